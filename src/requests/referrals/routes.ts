// The JSON API of referrals: a case referred to another organisation, and its decision.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemResponses } from '../../web/index.ts';
import { Code, IdParams } from '../schemas.ts';
import type { Referrals } from './referrals.ts';

export const referralRoutes: FastifyPluginAsyncTypebox<{ referrals: Referrals }> = async (
  app,
  { referrals },
) => {
  app.get(
    '/api/v1/referrals',
    {
      schema: {
        tags: ['Cases'],
        summary:
          'The referrals made by and to your organisations: a referral to yours while its agreement is in force, your decision included (each one listed is recorded in the audit ledger)',
      },
    },
    (request) => referrals.referralList(request.actor, request.id),
  );

  app.post(
    '/api/v1/cases/:id/referrals',
    {
      schema: {
        tags: ['Cases'],
        summary:
          'Refer a case to another organisation, under a data-sharing agreement covering cases and the purpose',
        params: IdParams,
        body: Type.Object({
          to: Code,
          purpose: Type.String({ maxLength: 50 }),
          note: Type.String({ maxLength: 4000 }),
        }),
        response: { 204: Type.Null(), ...ProblemResponses },
      },
    },
    async (request, reply) => {
      await referrals.refer(request.actor, request.params.id, request.body, request.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/referrals/:id/decision',
    {
      schema: {
        tags: ['Cases'],
        summary: 'Accept or decline a referral to your organisation (a reason is needed to decline)',
        params: IdParams,
        body: Type.Object({ accept: Type.Boolean(), reason: Type.String({ maxLength: 1000 }) }),
        response: { 204: Type.Null(), ...ProblemResponses },
      },
    },
    async (request, reply) => {
      await referrals.decideReferral(request.actor, request.params.id, request.body, request.id);
      return reply.code(204).send(null);
    },
  );
};
