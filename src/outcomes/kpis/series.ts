// Pure: a KPI's months for one organisation (or the whole place) read for people: each value
// formatted, marked when too few cases are behind it, the latest complete month against the
// target, the trend over the three months before, and a sentence that says it all.
import type { Kpi } from './definition.ts';

export interface MonthValue {
  /** The first day of the month, 2026-11-01. */
  month: string;
  numerator: number | null;
  denominator: number;
  value: number | null;
}

export interface ReadMonth extends MonthValue {
  label: string;
  shown: string;
  tooFew: boolean;
}

export type Trend = 'better' | 'worse' | 'steady' | 'unknown';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export const monthLabel = (month: string) => `${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;

export function formatValue(kpi: Pick<Kpi, 'unit'>, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'no value';
  if (kpi.unit === 'percent') return `${Math.round(value * 10) / 10}%`;
  if (kpi.unit === 'days') return `${Math.round(value * 10) / 10} days`;
  return String(Math.round(value * 10) / 10);
}

/** Whether a value meets the target, the better direction taken into account. */
export const meetsTarget = (kpi: Pick<Kpi, 'direction' | 'target'>, value: number) =>
  kpi.direction === 'higher' ? value >= kpi.target : value <= kpi.target;

/** The latest complete month against the three before it: better, worse or steady (within a point). */
export function trendOf(kpi: Pick<Kpi, 'direction'>, months: ReadMonth[], latest: ReadMonth | null): Trend {
  if (!latest || latest.tooFew || latest.value === null) return 'unknown';
  const i = months.indexOf(latest);
  const before = months.slice(Math.max(0, i - 3), i).filter((m) => !m.tooFew && m.value !== null);
  if (before.length === 0) return 'unknown';
  const mean = before.reduce((sum, m) => sum + (m.value as number), 0) / before.length;
  const change = (latest.value - mean) * (kpi.direction === 'higher' ? 1 : -1);
  return Math.abs(change) < 1 ? 'steady' : change > 0 ? 'better' : 'worse';
}

const trendWords: Record<Trend, string> = {
  better: 'better than the three months before',
  worse: 'worse than the three months before',
  steady: 'about the same as the three months before',
  unknown: 'too little history to show a trend',
};

/**
 * The months read for people. `thisMonth` (the first day of the current month) is still under
 * way, so the latest value is that of the month before it, when there is one.
 */
export function readSeries(kpi: Kpi, values: MonthValue[], thisMonth: string) {
  const months: ReadMonth[] = values.map((v) => ({
    ...v,
    label: monthLabel(v.month),
    shown: formatValue(kpi, v.value),
    tooFew: v.denominator < kpi.minimumCases,
  }));
  const complete = months.filter((m) => m.month < thisMonth && m.denominator > 0);
  const latest = complete.at(-1) ?? months.at(-1) ?? null;
  const trend = trendOf(kpi, months, latest);
  const met = latest && !latest.tooFew && latest.value !== null ? meetsTarget(kpi, latest.value) : null;
  const target = formatValue(kpi, kpi.target);
  const summary = !latest
    ? `${kpi.name}: no values yet.`
    : latest.tooFew
      ? `${kpi.name}: ${latest.shown} in ${latest.label}, from only ${latest.denominator} cases: too few to be precise. The target is ${target}.`
      : `${kpi.name}: ${latest.shown} in ${latest.label}, ${met ? 'meeting' : 'missing'} the target of ${target} (${kpi.direction} is better); ${trendWords[trend]}.`;
  return { months, latest, trend, met, target, summary };
}

export type Series = ReturnType<typeof readSeries>;
