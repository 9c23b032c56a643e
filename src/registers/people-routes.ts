import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProblemResponses } from '../web/index.ts';
import type { ImportService } from './importing.ts';
import { BulkReport, BulkSubmission } from './people-schemas.ts';

export const peopleRoutes: FastifyPluginAsyncTypebox<{ importing: ImportService }> = async (
  app,
  { importing },
) => {
  app.post(
    '/api/v1/records/bulk',
    {
      schema: {
        tags: ['Person records'],
        summary:
          "Submit up to 1000 of your organisation's records at once: each is created, or updated when your reference is already known",
        body: BulkSubmission,
        response: { 200: BulkReport, ...ProblemResponses },
      },
    },
    (request) =>
      importing.submitPeople(request.actor, request.body.organisation, request.body.records, request.id),
  );
};
