// The address an organisation's own system pushes its updates to, with the token it was given
// when it was set up: one GeoReport request_update a call, applied once (a repeat is answered
// as such and changes nothing).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemResponses } from '../../web/index.ts';
import { fromFields } from './georeport.ts';
import type { OutboundService } from './service.ts';

export const PUSH_PATH = '/api/v1/outbound/updates';

export const outboundRoutes: FastifyPluginAsyncTypebox<{
  outbound: Pick<OutboundService, 'acceptPushed'>;
}> = async (app, { outbound }) => {
  app.post(
    PUSH_PATH,
    {
      schema: {
        tags: ['Cases'],
        summary:
          "An update from an organisation's own system about a request sent to it (GeoReport v2 servicerequestupdates fields), with the system's push token",
        headers: Type.Object({ 'x-push-token': Type.Optional(Type.String({ maxLength: 200 })) }),
        body: Type.Object({
          update_id: Type.String({ minLength: 1, maxLength: 200 }),
          service_request_id: Type.String({ minLength: 1, maxLength: 200 }),
          status: Type.String({ minLength: 1, maxLength: 60 }),
          updated_datetime: Type.String({ minLength: 1, maxLength: 40 }),
          description: Type.Optional(Type.String({ maxLength: 4000 })),
        }),
        response: {
          200: Type.Object({ outcome: Type.Union([Type.Literal('applied'), Type.Literal('repeat')]) }),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const outcome = await outbound.acceptPushed(
        request.headers['x-push-token'] ?? '',
        fromFields(request.body),
      );
      return { outcome };
    },
  );
};
