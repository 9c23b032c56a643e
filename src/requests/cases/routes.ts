// The JSON API of staff work on cases: the inbox, one case, its status and its updates.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemResponses } from '../../web/index.ts';
import { Code, IdParams, Status, UUID } from '../schemas.ts';
import type { CaseWork } from './work.ts';

const InboxQuery = Type.Object({
  service: Type.Optional(Code),
  status: Type.Optional(Status),
  area: Type.Optional(Code),
  assignee: Type.Optional(
    Type.String({ pattern: `^(none|${UUID})$`, description: 'An account id, or none for unassigned' }),
  ),
  team: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A team, or none' })),
  overdue: Type.Optional(Type.Boolean()),
});

export const casesRoutes: FastifyPluginAsyncTypebox<{ cases: CaseWork }> = async (app, { cases }) => {
  app.get(
    '/api/v1/cases',
    {
      schema: {
        tags: ['Cases'],
        summary:
          "Your organisations' inbox: the cases they hold or that were referred to them (each one listed is recorded in the audit ledger)",
        querystring: InboxQuery,
      },
    },
    (request) => cases.inbox(request.actor, request.query, request.id),
  );

  app.get(
    '/api/v1/cases/:id',
    { schema: { tags: ['Cases'], summary: 'One case, as far as you are entitled to it', params: IdParams } },
    (request) => cases.caseFor(request.actor, request.params.id, request.id),
  );

  app.post(
    '/api/v1/cases/:id/status',
    {
      schema: {
        tags: ['Cases'],
        summary: 'Change the status of a case, with the reason the citizen is told',
        params: IdParams,
        body: Type.Object({
          status: Status,
          reason: Type.String({ maxLength: 1000 }),
          version: Type.Optional(Type.Integer()),
        }),
        response: { 204: Type.Null(), ...ProblemResponses },
      },
    },
    async (request, reply) => {
      await cases.changeStatus(request.actor, request.params.id, request.body, request.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/cases/:id/updates',
    {
      schema: {
        tags: ['Cases'],
        summary: 'Add a public update (sent to the citizen) or an internal note (never public)',
        params: IdParams,
        body: Type.Object({
          kind: Type.Union([Type.Literal('public'), Type.Literal('internal')]),
          body: Type.String({ maxLength: 4000 }),
        }),
        response: { 204: Type.Null(), ...ProblemResponses },
      },
    },
    async (request, reply) => {
      await cases.addUpdate(request.actor, request.params.id, request.body, request.id);
      return reply.code(204).send(null);
    },
  );
};
