import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemResponses } from '../../web/index.ts';
import type { PropertiesService } from './service.ts';

const tags = ['Properties'];
const Property = Type.Object({
  uprn: Type.Integer(),
  address_lines: Type.String(),
  town: Type.Union([Type.String(), Type.Null()]),
  postcode: Type.Union([Type.String(), Type.Null()]),
  longitude: Type.Number(),
  latitude: Type.Number(),
  servedBy: Type.Array(
    Type.Object({
      organisation: Type.String(),
      organisationName: Type.String(),
      functions: Type.Array(Type.String()),
      area: Type.String(),
    }),
    { description: 'Which organisations serve the property for which functions (from the areas it lies in)' },
  ),
});

export const propertyRoutes: FastifyPluginAsyncTypebox<{ properties: PropertiesService }> = async (
  app,
  { properties },
) => {
  app.get(
    '/api/v1/properties',
    {
      schema: {
        tags,
        summary:
          'Find properties in the gazetteer by postcode or words of the address, with who serves each for which functions',
        querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: Type.Array(Property), ...ProblemResponses },
      },
    },
    (request) => properties.searchServed(request.query.q),
  );

  app.get(
    '/api/v1/properties/:uprn',
    {
      schema: {
        tags,
        summary: 'A property by its UPRN, and which organisations serve it for which functions',
        params: Type.Object({ uprn: Type.Integer({ minimum: 1, maximum: 999_999_999_999 }) }),
        response: {
          200: Property,
          ...ProblemResponses,
        },
      },
    },
    (request) => properties.property(request.params.uprn),
  );
};
