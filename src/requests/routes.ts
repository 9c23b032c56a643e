// The JSON API of the front door: routing (and its overrides) and staff work on cases.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemResponses } from '../web/index.ts';
import type { RequestsService } from './service.ts';

const Code = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
const RouteQuery = Type.Object({
  service: Code,
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
});
const Route = Type.Object({
  service: Type.Object({ code: Type.String(), name: Type.String(), responsibleKind: Type.String() }),
  organisation: Type.Object({ ref: Type.String(), name: Type.String(), kind: Type.String() }),
  area: Type.Object({ ref: Type.String(), name: Type.String() }),
  basis: Type.Union([Type.Literal('coverage'), Type.Literal('override')]),
  onBoundaryOf: Type.Array(Type.String(), { description: 'Areas whose border the point lies exactly on' }),
  explanation: Type.String(),
});
const Override = Type.Object({
  service: Code,
  area: Code,
  organisation: Code,
  reason: Type.String({ minLength: 1, maxLength: 500 }),
});
const IdParams = Type.Object({ id: Type.String({ maxLength: 36 }) });
const Status = Type.Union(['open', 'in_progress', 'resolved', 'closed'].map((s) => Type.Literal(s)));
const InboxQuery = Type.Object({
  service: Type.Optional(Code),
  status: Type.Optional(Status),
  area: Type.Optional(Code),
  assignee: Type.Optional(
    Type.String({ pattern: '^(none|[0-9a-f-]{36})$', description: 'An account id, or none for unassigned' }),
  ),
  team: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A team, or none' })),
  overdue: Type.Optional(Type.Boolean()),
});

export const requestsRoutes: FastifyPluginAsyncTypebox<{ requests: RequestsService }> = async (
  app,
  { requests },
) => {
  app.get(
    '/api/v1/route',
    {
      schema: {
        tags: ['Routing'],
        summary: 'Which organisation serves a service at a point, and why',
        querystring: RouteQuery,
        response: { 200: Route, ...ProblemResponses },
      },
    },
    (request) => requests.route(request.query.service, request.query.lat, request.query.lon),
  );

  app.get(
    '/api/v1/route/overrides',
    {
      schema: {
        tags: ['Routing'],
        summary: 'The routing overrides staff have set, per service and area',
        response: {
          200: Type.Array(
            Type.Object({
              service: Type.String(),
              area: Type.String(),
              organisation: Type.String(),
              reason: Type.String(),
            }),
          ),
        },
      },
    },
    async () =>
      (await requests.overrides()).map(({ service, area, organisation, reason }) => ({
        service,
        area,
        organisation,
        reason,
      })),
  );

  app.put(
    '/api/v1/route/overrides',
    {
      schema: {
        tags: ['Routing'],
        summary:
          'Send a service in an area to another organisation (administrators, or managers of the organisation responsible there)',
        body: Override,
        response: { 204: Type.Null(), ...ProblemResponses },
      },
    },
    async (request, reply) => {
      await requests.setOverride(request.actor, request.body);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/route/overrides/:service/:area',
    {
      schema: {
        tags: ['Routing'],
        summary: 'Remove a routing override',
        params: Type.Object({ service: Code, area: Code }),
        response: { 204: Type.Null(), ...ProblemResponses },
      },
    },
    async (request, reply) => {
      await requests.removeOverride(request.actor, request.params.service, request.params.area);
      return reply.code(204).send(null);
    },
  );

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
    (request) => requests.inbox(request.actor, request.query, request.id),
  );

  app.get(
    '/api/v1/cases/:id',
    { schema: { tags: ['Cases'], summary: 'One case, as far as you are entitled to it', params: IdParams } },
    (request) => requests.caseFor(request.actor, request.params.id, request.id),
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
      await requests.changeStatus(request.actor, request.params.id, request.body, request.id);
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
      await requests.addUpdate(request.actor, request.params.id, request.body, request.id);
      return reply.code(204).send(null);
    },
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
      await requests.refer(request.actor, request.params.id, request.body, request.id);
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
      await requests.decideReferral(request.actor, request.params.id, request.body, request.id);
      return reply.code(204).send(null);
    },
  );
};
