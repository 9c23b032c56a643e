// The routemap's API (/api/v1/routemap): the framework and its versions, an organisation's
// assessments (JSON or CSV), scoring and submitting its draft, its action plan, the place's
// benchmark (JSON, or CSV of scores and dates as published) and importing another place's.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemResponses } from '../../web/index.ts';
import { actionStatuses } from './actions.ts';
import { FrameworkSchema } from './framework.ts';
import type { RoutemapService } from './service.ts';

const tags = ['Routemap'];
const Ref = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
const Org = Type.Object({ ref: Ref });
const Score = Type.Object({
  score: Type.Integer({ description: 'The level, 1 to 5' }),
  reason: Type.String({ maxLength: 10000 }),
  links: Type.Optional(Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 50 })),
});
const Action = Type.Object({
  item: Type.String({ maxLength: 100 }),
  title: Type.String({ maxLength: 1000 }),
  ownerName: Type.String({ maxLength: 1000 }),
  ownerEmail: Type.String({ maxLength: 1000 }),
  dueOn: Type.String({ maxLength: 20, description: 'YYYY-MM-DD, today or later' }),
  partners: Type.Optional(
    Type.Array(Ref, { maxItems: 50, description: 'Partner organisations of a joint action' }),
  ),
});
const Csv = { 200: { description: 'CSV', content: { 'text/csv': { schema: Type.String() } } } };

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: a plugin's route table
export const routemapRoutes: FastifyPluginAsyncTypebox<{ routemap: RoutemapService }> = async (
  app,
  { routemap },
) => {
  app.get(
    '/api/v1/routemap/framework',
    {
      schema: {
        tags,
        summary: 'The maturity framework new assessments are made against',
        response: { 200: FrameworkSchema, ...ProblemResponses },
      },
    },
    () => routemap.currentFramework(),
  );

  app.post(
    '/api/v1/routemap/frameworks',
    {
      schema: {
        tags,
        summary: 'Add a version of the framework (administrators); new assessments are made against it',
        body: Type.Unknown({ description: 'The framework, in the format of GET /api/v1/routemap/framework' }),
        response: { 201: FrameworkSchema, ...ProblemResponses },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await routemap.addFramework(request.actor, JSON.stringify(request.body ?? null), request.id)),
  );

  app.get(
    '/api/v1/routemap/organisations/:ref/assessments',
    {
      schema: {
        tags,
        summary:
          "An organisation's draft and submitted assessments, with the platform's measures kept with each",
        params: Org,
        response: { 200: Type.Unknown(), ...ProblemResponses },
      },
    },
    async (request) => (await routemap.assessmentFiles(request.actor, request.params.ref, request.id)).json,
  );

  app.get(
    '/api/v1/routemap/organisations/:ref/assessments.csv',
    {
      schema: {
        tags,
        summary: "An organisation's assessments as CSV, a row an item of each",
        params: Org,
        response: { ...Csv, ...ProblemResponses },
      },
    },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .send((await routemap.assessmentFiles(request.actor, request.params.ref, request.id)).csv),
  );

  app.put(
    '/api/v1/routemap/organisations/:ref/draft/items/:item',
    {
      schema: {
        tags,
        summary: "Score an item in the organisation's draft (started if there is none)",
        params: Type.Object({ ref: Ref, item: Type.String({ maxLength: 100 }) }),
        body: Score,
        response: {
          200: Type.Object({ assessment: Type.String(), item: Type.String(), score: Type.Integer() }),
          ...ProblemResponses,
        },
      },
    },
    (request) =>
      routemap.saveScore(
        request.actor,
        request.params.ref,
        request.params.item,
        { ...request.body, links: request.body.links ?? [] },
        request.id,
      ),
  );

  app.post(
    '/api/v1/routemap/organisations/:ref/draft/submit',
    {
      schema: {
        tags,
        summary: "Submit the organisation's draft, every item scored; it is never changed after",
        params: Org,
        response: {
          200: Type.Object({ id: Type.String(), submittedAt: Type.String({ format: 'date-time' }) }),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const submitted = await routemap.submit(request.actor, request.params.ref, request.id);
      return { id: submitted.id, submittedAt: submitted.submittedAt.toISOString() };
    },
  );

  app.get(
    '/api/v1/routemap/organisations/:ref/actions',
    {
      schema: {
        tags,
        summary: 'The actions the organisation leads or is a partner in',
        params: Org,
        response: { 200: Type.Unknown(), ...ProblemResponses },
      },
    },
    async (request) => (await routemap.actions.list(request.actor, request.params.ref, request.id)).actions,
  );

  app.post(
    '/api/v1/routemap/organisations/:ref/actions',
    {
      schema: {
        tags,
        summary: 'Add an action to the organisation’s plan, alone or jointly with partners',
        params: Org,
        body: Action,
        response: { 201: Type.Object({ id: Type.String() }), ...ProblemResponses },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await routemap.actions.add(
            request.actor,
            request.params.ref,
            { ...request.body, partners: request.body.partners ?? [] },
            request.id,
          ),
        ),
  );

  app.put(
    '/api/v1/routemap/organisations/:ref/actions/:id',
    {
      schema: {
        tags,
        summary: 'Change the status of an action the organisation leads',
        params: Type.Object({ ref: Ref, id: Type.String({ maxLength: 36 }) }),
        body: Type.Object({ status: Type.Union(actionStatuses.map((s) => Type.Literal(s))) }),
        response: { 204: Type.Null(), ...ProblemResponses },
      },
    },
    async (request, reply) => {
      await routemap.actions.setStatus(
        request.actor,
        request.params.ref,
        request.params.id,
        request.body.status,
        request.id,
      );
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/routemap/benchmark',
    {
      schema: {
        tags,
        summary: "The place's benchmark: every organisation's latest scores, the median, spread and change",
        response: { 200: Type.Unknown(), ...ProblemResponses },
      },
    },
    async (request) => {
      const { benchmark, evidence, notYet, otherPlaces } = await routemap.benchmark(
        request.actor,
        request.id,
      );
      return { ...benchmark, evidence, notYet, otherPlaces };
    },
  );

  app.get(
    '/api/v1/routemap/benchmark.csv',
    {
      schema: {
        tags,
        summary: "The place's benchmark as published: scores and dates only",
        response: { ...Csv, ...ProblemResponses },
      },
    },
    async (request, reply) =>
      reply.type('text/csv; charset=utf-8').send(await routemap.benchmarkFile(request.actor, request.id)),
  );

  app.post(
    '/api/v1/routemap/imported-benchmarks',
    {
      schema: {
        tags,
        summary: "Import another place's published benchmark (administrators), to compare place with place",
        body: Type.Object({
          csv: Type.String({
            maxLength: 2_000_000,
            description: 'The CSV of GET /api/v1/routemap/benchmark.csv',
          }),
        }),
        response: {
          201: Type.Object({
            id: Type.String(),
            place: Type.String(),
            framework: Type.String(),
            scores: Type.Integer(),
          }),
          ...ProblemResponses,
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await routemap.importBenchmark(request.actor, request.body.csv, request.id)),
  );
};
