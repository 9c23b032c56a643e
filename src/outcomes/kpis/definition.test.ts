// The KPI files: each real one reads; a bad one is refused with its file and the reason.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKpi } from './definition.ts';
import { kpisFolder, loadKpis } from './load.ts';
import { readSeries } from './series.ts';

const good = {
  name: 'Requests made online',
  measures: 'The share made online',
  why: 'It is cheaper',
  facts: 'requests',
  numerator: 'count(*) FILTER (WHERE self_service)',
  denominator: 'count(*)',
  direction: 'higher',
  target: 80,
  unit: 'percent',
};
const yaml = (fields: Record<string, unknown>) =>
  Object.entries(fields)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? JSON.stringify(v) : v}`)
    .join('\n');

describe('the KPI files', () => {
  it('has a small set of KPIs, each read with a name, numerator or value, denominator, direction, target and unit', () => {
    const kpis = loadKpis();
    // Six to eight for the services (issue 14), and people's own word on whether it was fixed (issue 22).
    expect(kpis.length).toBeGreaterThanOrEqual(6);
    expect(kpis.length).toBeLessThanOrEqual(9);
    expect(kpis.map((k) => k.id)).toContain('said-fixed');
    expect(readdirSync(kpisFolder)).toHaveLength(kpis.length);
    for (const kpi of kpis) {
      expect(kpi.name.length).toBeGreaterThan(10);
      expect(kpi.numerator ?? kpi.value).toMatch(/\b(count|sum|avg|percentile_cont|max|min)\s*\(/i); // an aggregate
      expect(Number.isFinite(kpi.target)).toBe(true);
    }
  });

  it('reads a good file', () => {
    expect(readKpi('online.yaml', yaml(good))).toMatchObject({ id: 'online', target: 80, minimumCases: 10 });
  });

  it.each([
    ['an unknown field', { ...good, owner: 'me' }, 'bad.yaml: unknown field owner'],
    ['a missing target', { ...good, target: undefined }, 'bad.yaml: target is missing'],
    ['a target that is not a number', { ...good, target: '"high"' }, 'bad.yaml: target must be a number'],
    ['a percent over 100', { ...good, target: 120 }, 'bad.yaml: target must be from 0 to 100'],
    [
      'an unknown direction',
      { ...good, direction: 'up' },
      'bad.yaml: direction must be one of higher, lower',
    ],
    ['unknown facts', { ...good, facts: 'cases' }, 'bad.yaml: facts must be one of'],
    [
      'a query with a bracket left open',
      { ...good, numerator: 'count(*' },
      'bad.yaml: the numerator query has a ( without its )',
    ],
    [
      'a second statement',
      { ...good, denominator: 'count(*); DROP TABLE cases' },
      'bad.yaml: the denominator query may not contain ;',
    ],
    [
      'both a numerator and a value',
      { ...good, value: 'avg(1)' },
      'bad.yaml: give either numerator or value',
    ],
    ['a missing name', { ...good, name: undefined }, 'bad.yaml: name is missing'],
  ])('refuses %s, naming the file and the reason', (_name, fields, message) => {
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    expect(() => readKpi('bad.yaml', yaml(defined))).toThrow(message);
  });

  it('refuses text that is not YAML, and a file name that is not an id', () => {
    expect(() => readKpi('bad.yaml', 'name: [unclosed')).toThrow(/^bad\.yaml: not YAML/);
    expect(() => readKpi('Bad Name.yaml', yaml(good))).toThrow('Bad Name.yaml: the file name');
  });

  it('reads every shipped file as text too', () => {
    for (const file of readdirSync(kpisFolder))
      expect(() => readKpi(file, readFileSync(path.join(kpisFolder, file), 'utf8'))).not.toThrow();
  });
});

describe('a KPI read for people', () => {
  const kpi = readKpi('online.yaml', yaml(good));
  const at = (month: string, value: number, denominator = 50) => ({
    month,
    numerator: null,
    denominator,
    value,
  });

  it('takes the latest complete month, says whether it meets the target and the trend', () => {
    const series = readSeries(
      kpi,
      [
        at('2026-08-01', 60),
        at('2026-09-01', 62),
        at('2026-10-01', 64),
        at('2026-11-01', 82),
        at('2026-12-01', 10),
      ],
      '2026-12-01',
    );
    expect(series.latest?.label).toBe('November 2026');
    expect(series.met).toBe(true);
    expect(series.trend).toBe('better');
    expect(series.summary).toBe(
      'Requests made online: 82% in November 2026, meeting the target of 80% (higher is better); better than the three months before.',
    );
  });

  it('marks a value from too few cases and makes no claim about it', () => {
    const series = readSeries(kpi, [at('2026-10-01', 90), at('2026-11-01', 100, 3)], '2026-12-01');
    expect(series.latest?.tooFew).toBe(true);
    expect(series.met).toBeNull();
    expect(series.trend).toBe('unknown');
    expect(series.summary).toContain('from only 3 cases: too few to be precise');
  });

  it('reads lower as better for a KPI whose direction is lower', () => {
    const lower = { ...kpi, direction: 'lower' as const, target: 5, unit: 'days' as const };
    const series = readSeries(
      lower,
      [at('2026-09-01', 8), at('2026-10-01', 8), at('2026-11-01', 4)],
      '2026-12-01',
    );
    expect(series.met).toBe(true);
    expect(series.trend).toBe('better');
    expect(series.latest?.shown).toBe('4 days');
  });
});
