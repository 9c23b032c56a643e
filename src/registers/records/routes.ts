import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { atLeastOneOf, ProblemResponses } from '../../web/index.ts';
import { MarkingChange, NewRecord, PersonRecord, ReadQuery, RecordChanges, SearchQuery } from './schemas.ts';
import type { RecordsService } from './service.ts';

const tags = ['Person records'];
const IdParams = Type.Object({ id: Type.String({ maxLength: 36 }) });

export const recordsRoutes: FastifyPluginAsyncTypebox<{ records: RecordsService }> = async (
  app,
  { records },
) => {
  app.get(
    '/api/v1/records',
    {
      schema: {
        tags,
        summary: 'Search the person records you may see (each one returned is recorded in the audit ledger)',
        description: 'Give at least one of name, dateOfBirth, postcode or identifier.',
        querystring: { ...SearchQuery, ...atLeastOneOf(['name', 'dateOfBirth', 'postcode', 'identifier']) },
        response: { 200: Type.Array(PersonRecord), ...ProblemResponses },
      },
    },
    (request) => {
      const { purpose, ...filters } = request.query;
      return records.search(request.actor, filters, { purpose, requestId: request.id });
    },
  );

  app.post(
    '/api/v1/records',
    {
      schema: {
        tags,
        summary: "Add a record to your organisation's records",
        body: NewRecord,
        response: { 201: PersonRecord, ...ProblemResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await records.create(request.actor, request.body, request.id)),
  );

  app.get(
    '/api/v1/records/:id',
    {
      schema: {
        tags,
        summary: 'Read one record, for a purpose when another organisation holds it',
        params: IdParams,
        querystring: ReadQuery,
        response: { 200: PersonRecord, ...ProblemResponses },
      },
    },
    (request) => records.read(request.actor, request.params.id, { ...request.query, requestId: request.id }),
  );

  app.patch(
    '/api/v1/records/:id',
    {
      schema: {
        tags,
        summary: 'Change a record',
        params: IdParams,
        body: RecordChanges,
        response: { 200: PersonRecord, ...ProblemResponses },
      },
    },
    (request) => records.update(request.actor, request.params.id, request.body, request.id),
  );

  app.put(
    '/api/v1/records/:id/marking',
    {
      schema: {
        tags,
        summary: "Raise or lower a record's marking (managers and information governance officers)",
        params: IdParams,
        body: MarkingChange,
        response: { 200: PersonRecord, ...ProblemResponses },
      },
    },
    (request) => records.changeMarking(request.actor, request.params.id, request.body, request.id),
  );
};
