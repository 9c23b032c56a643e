import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { atLeastOneOf, ProblemResponses } from '../../web/index.ts';
import type { ImportService } from '../importing/index.ts';
import { PersonRecordSchema } from '../records/index.ts';
import type { LinkingService } from './linking.ts';
import {
  BulkReport,
  BulkSubmission,
  Explanation,
  GoldenPerson,
  MatchQuery,
  MergeRequest,
  PersonId,
  PurposeQuery,
  SplitRequest,
} from './schemas.ts';

const tags = ['People'];

type Options = { importing: ImportService; linking: LinkingService };

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: a plugin's route table
export const peopleRoutes: FastifyPluginAsyncTypebox<Options> = async (app, { importing, linking }) => {
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
        body: {
          ...MatchQuery,
          ...atLeastOneOf(['familyName', 'dateOfBirth', 'postcode', 'nhsNumber', 'email']),
        },
        response: {
          200: Type.Object({
            matches: Type.Array(
              Type.Object({
                personId: Type.Union([Type.String(), Type.Null()], {
                  description: 'The golden person (null: a record not yet linked)',
                }),
                probability: Type.Number(),
                explanation: Explanation,
                records: Type.Array(PersonRecordSchema),
              }),
            ),
          }),
          ...ProblemResponses,
        },
      },
    },
    (request) => {
      const { purpose, ...query } = request.body;
      return linking.match(request.actor, query, purpose ?? null, request.id);
    },
  );

  app.get(
    '/api/v1/people/:id',
    {
      schema: {
        tags,
        summary:
          'A golden person: the records of theirs you may see (each one recorded in the audit ledger; the others counted), how each pair of records was linked, and their history',
        params: PersonId,
        querystring: PurposeQuery,
        response: { 200: GoldenPerson, ...ProblemResponses },
      },
    },
    async (request) => {
      const { mayDecide: _, ...person } = await linking.person(
        request.actor,
        request.params.id,
        request.query.purpose ?? null,
        request.id,
      );
      return person;
    },
  );

  app.post(
    '/api/v1/people/:id/split',
    {
      schema: {
        tags,
        summary:
          'Split a record out of a person into a person of its own, with a reason (a manager or information governance officer of the organisation holding it); later linkage runs keep it apart',
        params: PersonId,
        body: SplitRequest,
        response: {
          200: Type.Object({ person: Type.String(), newPerson: Type.String() }),
          ...ProblemResponses,
        },
      },
    },
    (request) => linking.split(request.actor, request.params.id, request.body, request.id),
  );

  app.post(
    '/api/v1/people/:id/merge',
    {
      schema: {
        tags,
        summary:
          'Merge another person into this one, with a reason (a manager or information governance officer of an organisation holding one of the records, who may see a record of each); later linkage runs keep them together',
        params: PersonId,
        body: MergeRequest,
        response: { 200: Type.Object({ person: Type.String(), merged: Type.String() }), ...ProblemResponses },
      },
    },
    (request) => linking.merge(request.actor, request.params.id, request.body, request.id),
  );
};
