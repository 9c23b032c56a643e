// The API of data-sharing agreements: drafted, signed by every party, revoked.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemResponses } from '../../web/index.ts';
import type { AgreementsService } from './agreements.ts';
import { Agreement, NewAgreement } from './schemas.ts';

const tags = ['Information governance'];
const IdParams = Type.Object({ id: Type.String({ maxLength: 36 }) });

export const agreementRoutes: FastifyPluginAsyncTypebox<{ agreements: AgreementsService }> = async (
  app,
  { agreements },
) => {
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
};
