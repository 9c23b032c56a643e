// GET /api/v1/kpis: every KPI's definition and its values by organisation and month (the whole
// place as organisation null). Counts only, nothing personal; values from too few cases say so.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FACTS, UNITS } from './definition.ts';
import type { KpisService } from './service.ts';

const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);

const KpiValue = Type.Object({
  organisation: Type.Union([Type.String(), Type.Null()], {
    description: 'The organisation’s reference; null for the whole place',
  }),
  month: Type.String({ description: 'YYYY-MM' }),
  numerator: Nullable(Type.Number()),
  denominator: Type.Number({ description: 'The cases behind the value' }),
  value: Nullable(Type.Number()),
  tooFewCases: Type.Boolean({ description: 'Fewer cases than the KPI’s minimum: not precise' }),
});

const Kpi = Type.Object({
  id: Type.String(),
  name: Type.String(),
  measures: Type.String(),
  why: Type.String(),
  facts: Type.Union([...FACTS].map((f) => Type.Literal(f)) as [ReturnType<typeof Type.Literal>]),
  numerator: Type.Union([Type.String(), Type.Null()]),
  value: Type.Union([Type.String(), Type.Null()]),
  denominator: Type.String(),
  direction: Type.Union([Type.Literal('higher'), Type.Literal('lower')]),
  target: Type.Number(),
  unit: Type.Union([...UNITS].map((u) => Type.Literal(u)) as [ReturnType<typeof Type.Literal>]),
  minimumCases: Type.Integer(),
  values: Type.Array(KpiValue),
});

export const kpiRoutes: FastifyPluginAsyncTypebox<{ kpis: KpisService }> = async (app, { kpis }) => {
  app.get(
    '/api/v1/kpis',
    {
      schema: {
        tags: ['Outcomes'],
        summary: 'The outcome KPIs: definitions, and values by organisation and month',
        response: {
          200: Type.Object({
            computedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
            kpis: Type.Array(Kpi),
          }),
        },
      },
    },
    async () => {
      const { computedAt, kpis: all } = await kpis.published();
      return {
        computedAt: computedAt?.toISOString() ?? null,
        kpis: all.map(({ kpi: { file: _file, ...kpi }, values }) => ({ ...kpi, values })),
      };
    },
  );
};
