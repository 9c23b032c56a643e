// The outcome KPIs as an open dataset: each KPI's value by organisation and month, with its
// numerator and denominator, its unit, target and better direction, from the values kept once a
// month has closed (so a month's figures are the same in every release). A figure built from
// fewer cases than the open data threshold is suppressed, with enough others that it cannot be
// worked out from the place's total (opendata's suppressShares); the "too few cases" mark stays.
import {
  type Column,
  type Dataset,
  organisationColumns,
  organisationOf,
  placeDataset,
  type Row,
  type Sources,
  suppressShares,
} from '../../opendata/index.ts';
import type { Kpi } from './definition.ts';
import type { KpisService } from './service.ts';
import type { KpiValueRow } from './store.ts';

export const kpiColumns: Column[] = [
  { name: 'kpi', description: 'The KPI’s identifier (the name of its file)' },
  { name: 'kpi_name', description: 'What the KPI is, in plain English' },
  { name: 'month', description: 'The month (YYYY-MM)' },
  ...organisationColumns('the organisation, or "all" for the whole place'),
  {
    name: 'numerator',
    description: 'For a percentage, how many of the cases counted as a success; empty where suppressed',
  },
  { name: 'denominator', description: 'How many cases are behind the value; empty where suppressed' },
  { name: 'value', description: 'The value, in the unit; empty where suppressed' },
  { name: 'unit', description: 'percent, days or number' },
  { name: 'target', description: 'The value the place aims for' },
  { name: 'direction', description: 'higher or lower: which is better' },
  {
    name: 'too_few_cases',
    description:
      'yes where too few cases are behind the value for it to be precise, or the figures are suppressed',
  },
  {
    name: 'suppressed',
    description:
      'yes where the figures are left out: fewer cases than the threshold, or enough others that none can be worked out',
  },
];

const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

/** One KPI's month as published: every organisation (by reference), then the place, suppressed as needed. */
export function kpiMonthRows(
  kpi: Kpi,
  values: KpiValueRow[],
  sources: { organisations: Map<string, { ref: string; name: string }>; place: string },
  threshold: number,
  control: boolean,
): Row[] {
  const named = (v: KpiValueRow) =>
    v.organisation_id === null
      ? { organisation: 'all', organisation_name: sources.place }
      : organisationOf(sources.organisations, v.organisation_id);
  const parts = values
    .filter((v) => v.organisation_id !== null)
    .sort((a, b) => String(named(a).organisation).localeCompare(String(named(b).organisation)));
  const whole = values.find((v) => v.organisation_id === null);
  const line = whole ? [...parts, whole] : parts;
  const hidden = control
    ? suppressShares(
        parts.map((v) => v.denominator),
        parts.map((v) => v.numerator),
        threshold,
      )
    : [];
  return line.map((v, i) => {
    const secret = hidden[i] ?? false;
    return {
      kpi: kpi.id,
      kpi_name: kpi.name,
      month: v.month.slice(0, 7),
      ...named(v),
      numerator: secret ? null : round(v.numerator),
      denominator: secret ? null : v.denominator,
      value: secret ? null : round(v.value),
      unit: kpi.unit,
      target: kpi.target,
      direction: kpi.direction,
      too_few_cases: secret || v.denominator < kpi.minimumCases,
      suppressed: secret,
    };
  });
}

const endOfMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

/** The dataset of every KPI's kept values, for open data's catalogue (its `more` hook). */
export function kpiDataset(kpis: Pick<KpisService, 'kpis' | 'kept'>, sources: Sources): Dataset {
  return placeDataset({
    id: 'outcome-kpis',
    title: 'Outcome KPIs',
    description: `The place's outcome KPIs (requests made online, resolved on time, days to resolve, repeat reports, reopened requests, referrals and people's data requests answered in time, records linked, people who say their problem was fixed) for each organisation and the whole place, by month, with the numerator and denominator behind each value, its unit, target and better direction. A month is published once the month after it has ended, as it was computed then, and never changes after. Figures from fewer than ${sources.threshold} cases, and enough others that none of them can be worked out from the place's total, are left out and marked.`,
    keywords: ['KPIs', 'performance', 'outcomes', 'channel shift', 'satisfaction'],
    columns: kpiColumns,
    async build({ now, row, disclosureControl }) {
      const names = await sources.names();
      const place = await sources.place();
      const kept = await kpis.kept();
      for (const kpi of kpis.kpis) {
        const months = Map.groupBy(
          kept.filter((v) => v.kpi === kpi.id),
          (v) => v.month,
        );
        for (const values of months.values())
          for (const r of kpiMonthRows(
            kpi,
            values,
            { organisations: names.organisations, place },
            sources.threshold,
            disclosureControl,
          ))
            await row(r);
      }
      const months = kept.map((v) => v.month).sort();
      const today = now.toISOString().slice(0, 10);
      const last = months.at(-1);
      return { from: months[0] ?? today, to: last ? endOfMonth(last) : today };
    },
  });
}
