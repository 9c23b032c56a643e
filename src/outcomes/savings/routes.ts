// The savings ledger's API, for the place's staff as the policies allow (policies/savings.cedar):
// GET /api/v1/savings, POST /api/v1/savings to record one, POST /api/v1/savings/{id}/entries to
// mark it realised, verify it for another partner or reverse it. Bad input is problem+json.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Forbidden, requireActor } from '../../platform/index.ts';
import { ProblemResponses } from '../../web/index.ts';
import { MAX_SHARES } from './saving.ts';
import type { SavingsService } from './service.ts';

const tags = ['Outcomes'];
const Ref = Type.String({ maxLength: 63 });
const State = Type.Union([
  Type.Literal('planned'),
  Type.Literal('realised'),
  Type.Literal('verified'),
  Type.Literal('reversed'),
]);

const Saving = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  evidence: Type.String(),
  cashable: Type.Boolean(),
  recurring: Type.Boolean(),
  amount: Type.Number({ description: 'Pounds; for a recurring saving, each year’s' }),
  financialYear: Type.Integer({ description: '2026 is April 2026 to March 2027' }),
  recordedBy: Type.String(),
  state: State,
  shares: Type.Array(Type.Object({ organisation: Type.String(), percent: Type.Number() })),
  entries: Type.Array(
    Type.Object({
      state: State,
      organisation: Type.String(),
      reason: Type.Union([Type.String(), Type.Null()]),
      at: Type.String(),
    }),
  ),
});

const NewSaving = Type.Object({
  organisation: Type.String({
    maxLength: 63,
    description: 'The organisation recording it, which the caller manages',
  }),
  title: Type.String({ maxLength: 1000 }),
  description: Type.String({ maxLength: 5000 }),
  evidence: Type.String({ maxLength: 5000 }),
  cashable: Type.Boolean(),
  recurring: Type.Boolean(),
  amount: Type.Number({ description: 'Pounds' }),
  financialYear: Type.Integer(),
  state: Type.Optional(Type.Union([Type.Literal('planned'), Type.Literal('realised')])),
  shares: Type.Array(Type.Object({ organisation: Ref, percent: Type.Number() }), { maxItems: MAX_SHARES }),
});

const NewEntry = Type.Object({
  state: Type.Union([Type.Literal('realised'), Type.Literal('verified'), Type.Literal('reversed')]),
  organisation: Type.Optional(
    Type.String({ maxLength: 63, description: 'For verified: the partner verifying' }),
  ),
  reason: Type.Optional(Type.String({ maxLength: 5000, description: 'For reversed: why' })),
});

const staffOnly = (actor: Parameters<typeof requireActor>[0]) => {
  const who = requireActor(actor);
  if (who.kind !== 'staff') throw new Forbidden('The savings ledger is for the place’s staff');
  return who;
};

export const savingsRoutes: FastifyPluginAsyncTypebox<{ savings: SavingsService }> = async (
  app,
  { savings },
) => {
  app.get(
    '/api/v1/savings',
    {
      schema: {
        tags,
        summary: 'Every saving in the ledger, with its shares and entries',
        response: { 200: Type.Array(Saving), ...ProblemResponses },
      },
    },
    async (request) => {
      staffOnly(request.actor);
      return savings.published();
    },
  );

  app.post(
    '/api/v1/savings',
    {
      schema: {
        tags,
        summary: 'Record a saving',
        body: NewSaving,
        response: { 201: Type.Object({ id: Type.String() }), ...ProblemResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const id = await savings.record(
        staffOnly(request.actor),
        {
          organisation: b.organisation,
          state: b.state ?? 'planned',
          title: b.title,
          description: b.description,
          evidence: b.evidence,
          cashable: b.cashable ? 'yes' : 'no',
          recurrence: b.recurring ? 'recurring' : 'one_off',
          amount: String(b.amount),
          year: String(b.financialYear),
          shares: b.shares.map((s) => ({ organisation: s.organisation, percent: String(s.percent) })),
        },
        request.id,
      );
      return reply.code(201).send({ id });
    },
  );

  app.post(
    '/api/v1/savings/:id/entries',
    {
      schema: {
        tags,
        summary: 'Mark a saving realised, verify it for another partner, or reverse it with a reason',
        params: Type.Object({ id: Type.String({ maxLength: 36 }) }),
        body: NewEntry,
        response: { 204: Type.Null(), ...ProblemResponses },
      },
    },
    async (request, reply) => {
      await savings.move(staffOnly(request.actor), request.params.id, request.body, request.id);
      return reply.code(204).send(null);
    },
  );
};
