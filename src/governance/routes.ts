import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Forbidden, requireActor } from '../platform/index.ts';
import { ProblemResponses } from '../web/index.ts';
import type { AgreementsService } from './agreements.ts';
import { Agreement, NewAgreement } from './schemas.ts';
import type { GovernanceService } from './service.ts';
import {
  lawfulBases,
  markingLevel,
  markings,
  parseMarking,
  purposes,
  specialCategoryBases,
} from './vocabulary.ts';

const tags = ['Information governance'];
const IdParams = Type.Object({ id: Type.String({ maxLength: 36 }) });

interface Options {
  governance: GovernanceService;
  agreements: AgreementsService;
}

export const governanceRoutes: FastifyPluginAsyncTypebox<Options> = async (
  app,
  { governance, agreements },
) => {
  app.get(
    '/api/v1/governance/vocabulary',
    { schema: { tags, summary: 'Markings, purposes and lawful bases Flagstone knows' } },
    () => ({ markings, purposes, lawfulBases, specialCategoryBases }),
  );

  app.get(
    '/api/v1/governance/policies',
    { schema: { tags, summary: 'The policies in force, as written' } },
    () => governance.pdp.policies,
  );

  app.get(
    '/api/v1/agreements',
    {
      schema: {
        tags,
        summary: 'Data-sharing agreements your organisations are party to',
        response: { 200: Type.Array(Agreement), ...ProblemResponses },
      },
    },
    (request) => agreements.list(request.actor),
  );

  app.post(
    '/api/v1/agreements',
    {
      schema: {
        tags,
        summary: 'Draft a data-sharing agreement (information governance officers)',
        body: NewAgreement,
        response: { 201: Agreement, ...ProblemResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await agreements.create(request.actor, request.body)),
  );

  app.get(
    '/api/v1/agreements/:id',
    {
      schema: {
        tags,
        summary: 'One agreement',
        params: IdParams,
        response: { 200: Agreement, ...ProblemResponses },
      },
    },
    (request) => agreements.get(request.actor, request.params.id),
  );

  app.post(
    '/api/v1/agreements/:id/signatures',
    {
      schema: {
        tags,
        summary: "Sign an agreement for one party (that party's information governance officer)",
        params: IdParams,
        body: Type.Object({ organisation: Type.String({ maxLength: 63 }) }, { additionalProperties: false }),
        response: { 200: Agreement, ...ProblemResponses },
      },
    },
    (request) => agreements.sign(request.actor, request.params.id, request.body.organisation),
  );

  app.post(
    '/api/v1/agreements/:id/revocation',
    {
      schema: {
        tags,
        summary: 'Revoke an agreement: it stops applying at once',
        params: IdParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: { 200: Agreement, ...ProblemResponses },
      },
    },
    (request) => agreements.revoke(request.actor, request.params.id, request.body.reason),
  );

  app.put(
    '/api/v1/clearances/:accountId',
    {
      schema: {
        tags,
        summary: "Set a member of staff's clearance (administrators and information governance officers)",
        params: Type.Object({ accountId: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ clearance: Type.String({ maxLength: 30 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ accountId: Type.String(), clearance: Type.String() }),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const { marking } = parseMarking(request.body.clearance, null, 'clearance');
      await governance.setClearance(request.actor, request.params.accountId, markingLevel(marking));
      return { accountId: request.params.accountId, clearance: marking };
    },
  );

  app.get(
    '/api/v1/audit/status',
    { schema: { tags, summary: 'How many entries the audit ledger holds and its latest checkpoint' } },
    (request) => {
      const who = requireActor(request.actor);
      if (!agreements.governs(who)) throw new Forbidden('Only information governance officers and auditors');
      return governance.ledger.status();
    },
  );
};
