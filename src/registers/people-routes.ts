import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Invalid } from '../platform/index.ts';
import { ProblemResponses } from '../web/index.ts';
import type { ImportService } from './importing.ts';
import type { LinkingService } from './linking.ts';
import {
  BulkReport,
  BulkSubmission,
  Explanation,
  MatchQuery,
  PersonId,
  PurposeQuery,
} from './people-schemas.ts';
import { PersonRecord } from './schemas.ts';

const tags = ['People'];

export const peopleRoutes: FastifyPluginAsyncTypebox<{
  importing: ImportService;
  linking: LinkingService;
}> = async (app, { importing, linking }) => {
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

  app.post(
    '/api/v1/people/match',
    {
      schema: {
        tags,
        summary:
          'Do we already know this person? The people who may be them, most likely first, with the probability and its explanation (only records you may see; each one returned is recorded in the audit ledger)',
        body: MatchQuery,
        response: {
          200: Type.Object({
            matches: Type.Array(
              Type.Object({
                personId: Type.Union([Type.String(), Type.Null()], {
                  description: 'The golden person (null: a record not yet linked)',
                }),
                probability: Type.Number(),
                explanation: Explanation,
                records: Type.Array(PersonRecord),
              }),
            ),
          }),
          ...ProblemResponses,
        },
      },
    },
    (request) => {
      const { purpose, ...query } = request.body;
      if (!query.familyName && !query.nhsNumber && !query.email && !query.dateOfBirth && !query.postcode) {
        throw new Invalid('Say who you are looking for', [
          {
            field: 'familyName',
            message: 'Give a family name, date of birth, postcode, NHS number or email',
          },
        ]);
      }
      return linking.match(request.actor, query, purpose ?? null, request.id);
    },
  );

  app.get(
    '/api/v1/people/:id',
    {
      schema: {
        tags,
        summary:
          'A golden person: the records of theirs you may see (each one recorded in the audit ledger), and their history',
        params: PersonId,
        querystring: PurposeQuery,
        response: {
          200: Type.Object({
            id: Type.Optional(Type.String()),
            mergedInto: Type.Union([Type.String(), Type.Null()]),
            records: Type.Array(PersonRecord),
            history: Type.Array(Type.Object({ event: Type.String(), at: Type.String() })),
          }),
          ...ProblemResponses,
        },
      },
    },
    (request) => linking.person(request.actor, request.params.id, request.query.purpose ?? null, request.id),
  );
};
