import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemResponses } from '../web/index.ts';
import {
  AreaCollection,
  AreaFeature,
  NewArea,
  NewOrganisation,
  Organisation,
  Place,
  Service,
  ServiceQuery,
} from './schemas.ts';
import type { PlacesService } from './service.ts';

const RefParams = Type.Object({ ref: Type.String({ maxLength: 63 }) });
const tags = ['Places'];

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: a plugin's route table
export const placesRoutes: FastifyPluginAsyncTypebox<{ places: PlacesService }> = async (app, { places }) => {
  app.get(
    '/api/v1/place',
    { schema: { tags, summary: 'The place this deployment serves', response: { 200: Place } } },
    () => places.place(),
  );

  app.get(
    '/api/v1/organisations',
    { schema: { tags, summary: 'Organisations of the place', response: { 200: Type.Array(Organisation) } } },
    () => places.organisations(),
  );

  app.get(
    '/api/v1/organisations/:ref',
    {
      schema: {
        tags,
        summary: 'One organisation',
        params: RefParams,
        response: { 200: Organisation, ...ProblemResponses },
      },
    },
    (request) => places.organisation(request.params.ref),
  );

  app.post(
    '/api/v1/organisations',
    {
      schema: {
        tags,
        summary: 'Add an organisation (administrators)',
        body: NewOrganisation,
        response: { 201: Organisation, ...ProblemResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await places.createOrganisation(request.actor, request.body)),
  );

  app.get(
    '/api/v1/areas',
    {
      schema: {
        tags,
        summary: 'Areas and who covers them for which functions, as GeoJSON',
        response: { 200: AreaCollection },
      },
    },
    async () => ({ type: 'FeatureCollection' as const, features: await places.areas() }),
  );

  app.get(
    '/api/v1/areas/:ref',
    {
      schema: {
        tags,
        summary: 'One area',
        params: RefParams,
        response: { 200: AreaFeature, ...ProblemResponses },
      },
    },
    (request) => places.area(request.params.ref),
  );

  app.post(
    '/api/v1/areas',
    {
      schema: {
        tags,
        summary: 'Add an area with its boundary and coverage (administrators)',
        body: NewArea,
        response: { 201: AreaFeature, ...ProblemResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await places.createArea(request.actor, request.body)),
  );

  app.get(
    '/api/v1/services',
    {
      schema: {
        tags,
        summary: 'The service catalogue',
        querystring: ServiceQuery,
        response: { 200: Type.Array(Service) },
      },
    },
    (request) => places.services(request.query),
  );

  app.get(
    '/api/v1/services/:code',
    {
      schema: {
        tags,
        summary: 'One service',
        params: Type.Object({ code: Type.String({ maxLength: 63 }) }),
        response: { 200: Service, ...ProblemResponses },
      },
    },
    (request) => places.service(request.params.code),
  );

  app.post(
    '/api/v1/services',
    {
      schema: {
        tags,
        summary: 'Add a service to the catalogue (administrators)',
        body: Service,
        response: { 201: Service, ...ProblemResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await places.createService(request.actor, request.body)),
  );
};
