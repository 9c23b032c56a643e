// The JSON API of routing: which organisation serves a service at a point, and the overrides
// staff set.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemResponses } from '../../web/index.ts';
import { Code } from '../schemas.ts';
import type { Catalogue } from './catalogue.ts';
import type { RoutingOverrides } from './overrides.ts';

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

export const routingRoutes: FastifyPluginAsyncTypebox<{
  routing: Pick<Catalogue, 'route'> & RoutingOverrides;
}> = async (app, { routing }) => {
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
    (request) => routing.route(request.query.service, request.query.lat, request.query.lon),
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
      (await routing.overrides()).map(({ service, area, organisation, reason }) => ({
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
      await routing.setOverride(request.actor, request.body);
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
      await routing.removeOverride(request.actor, request.params.service, request.params.area);
      return reply.code(204).send(null);
    },
  );
};
