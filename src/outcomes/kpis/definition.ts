// Pure: a KPI file read into a Kpi, or refused with the file and the reason. A KPI is data, not
// code: a name in plain English, what it measures and why it matters, its numerator and
// denominator (SQL aggregates over one fact view), the better direction, a target and a unit.
import { parse } from 'yaml';

export const FACTS = ['requests', 'referrals', 'data_requests', 'records', 'questionnaires'] as const;
export type Facts = (typeof FACTS)[number];
export const UNITS = ['percent', 'days', 'number'] as const;
export type Unit = (typeof UNITS)[number];

export interface Kpi {
  /** The file's name without .yaml: the KPI's id in pages, the API and open data. */
  id: string;
  name: string;
  measures: string;
  why: string;
  facts: Facts;
  /** A percent KPI: numerator / denominator × 100. */
  numerator: string | null;
  /** Otherwise an aggregate giving the value itself (a median, say). */
  value: string | null;
  /** How many cases are behind a value (the denominator of a percent). */
  denominator: string;
  direction: 'higher' | 'lower';
  target: number;
  unit: Unit;
  /** Below this many cases a value is marked as too few to be precise. */
  minimumCases: number;
  file: string;
}

export class KpiFileError extends Error {
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'KpiFileError';
  }
}

const FIELDS = [
  'name',
  'measures',
  'why',
  'facts',
  'numerator',
  'value',
  'denominator',
  'direction',
  'target',
  'unit',
  'minimum_cases',
];

/** A query may be one SQL expression only: no statement ends, no comments, brackets balanced. */
export function queryProblem(query: string): string | null {
  if (query.length > 1000) return 'is longer than 1000 characters';
  if (/;|--|\/\*/.test(query)) return 'may not contain ; or comments';
  let depth = 0;
  for (const ch of query.replace(/'[^']*'/g, "''")) {
    depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    if (depth < 0) return 'has a ) without its (';
  }
  return depth === 0 ? null : 'has a ( without its )';
}

function text(file: string, data: Record<string, unknown>, field: string, optional = false): string | null {
  const v = data[field];
  if (v === undefined || v === null) {
    if (optional) return null;
    throw new KpiFileError(file, `${field} is missing`);
  }
  if (typeof v !== 'string' || !v.trim()) throw new KpiFileError(file, `${field} must be text`);
  return v.trim();
}

function oneOf<T extends string>(file: string, field: string, v: string | null, allowed: readonly T[]): T {
  if (!allowed.includes(v as T))
    throw new KpiFileError(file, `${field} must be one of ${allowed.join(', ')}`);
  return v as T;
}

function query(file: string, data: Record<string, unknown>, field: string, optional = false) {
  const q = text(file, data, field, optional);
  const problem = q === null ? null : queryProblem(q);
  if (problem) throw new KpiFileError(file, `the ${field} query ${problem}`);
  return q;
}

function numbers(file: string, data: Record<string, unknown>, unit: Unit) {
  const { target, minimum_cases: minimum = 10 } = data;
  if (target === undefined || target === null) throw new KpiFileError(file, 'target is missing');
  if (typeof target !== 'number' || !Number.isFinite(target))
    throw new KpiFileError(file, 'target must be a number');
  if (unit === 'percent' && (target < 0 || target > 100))
    throw new KpiFileError(file, 'target must be from 0 to 100 for a percent');
  if (!Number.isInteger(minimum) || (minimum as number) < 1)
    throw new KpiFileError(file, 'minimum_cases must be a whole number, 1 or more');
  return { target, minimumCases: minimum as number };
}

/** Reads one KPI file's text; `file` is its name (kebab-case, ending .yaml). */
export function readKpi(file: string, source: string): Kpi {
  const id = /^([a-z0-9][a-z0-9-]{0,59})\.yaml$/.exec(file)?.[1];
  if (!id) throw new KpiFileError(file, 'the file name must be lower case words joined by - and end .yaml');
  let data: unknown;
  try {
    data = parse(source);
  } catch (error) {
    throw new KpiFileError(file, `not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new KpiFileError(file, 'must be a set of fields (name: …, target: …)');
  const fields = data as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((k) => !FIELDS.includes(k));
  if (unknown.length > 0)
    throw new KpiFileError(file, `unknown field ${unknown.join(', ')} (the fields are ${FIELDS.join(', ')})`);
  const unit = oneOf(file, 'unit', text(file, fields, 'unit'), UNITS);
  const numerator = query(file, fields, 'numerator', true);
  const value = query(file, fields, 'value', true);
  if ((numerator === null) === (value === null))
    throw new KpiFileError(file, 'give either numerator or value');
  if ((unit === 'percent') !== (numerator !== null))
    throw new KpiFileError(file, 'a percent has a numerator; days and numbers have a value');
  return {
    id,
    name: text(file, fields, 'name') as string,
    measures: text(file, fields, 'measures') as string,
    why: text(file, fields, 'why') as string,
    facts: oneOf(file, 'facts', text(file, fields, 'facts'), FACTS),
    numerator,
    value,
    denominator: query(file, fields, 'denominator') as string,
    direction: oneOf(file, 'direction', text(file, fields, 'direction'), ['higher', 'lower'] as const),
    unit,
    ...numbers(file, fields, unit),
    file,
  };
}
