import { describe, expect, it } from 'vitest';
import { readKpi } from './definition.ts';
import { kpiMonthRows } from './open-data.ts';
import type { KpiValueRow } from './store.ts';

const kpi = readKpi(
  'channel-shift.yaml',
  'name: Requests made online\nmeasures: x\nwhy: y\nfacts: requests\nnumerator: count(*) FILTER (WHERE self_service)\ndenominator: count(*)\ndirection: higher\ntarget: 80\nunit: percent\nminimum_cases: 30\n',
);
const organisations = new Map([
  ['a', { ref: 'ashby-vale-dc', name: 'Ashby Vale District Council' }],
  ['c', { ref: 'castlebridge-council', name: 'Castlebridge Council' }],
  ['f', { ref: 'fellshire-cc', name: 'Fellshire County Council' }],
]);
const value = (organisation_id: string | null, numerator: number, denominator: number): KpiValueRow => ({
  kpi: 'channel-shift',
  organisation_id,
  month: '2026-09-01',
  numerator,
  denominator,
  value: (100 * numerator) / denominator,
});
// Castlebridge has 4 cases: under the threshold; the place's total would give it away beside the others.
const month = [value('f', 30, 40), value('c', 3, 4), value('a', 20, 25), value(null, 53, 69)];

describe('the KPIs as open data', () => {
  it('publishes each organisation then the place, leaving out a small figure and one beside it', () => {
    const rows = kpiMonthRows(kpi, month, { organisations, place: 'Fellshire' }, 10, true);
    expect(rows.map((r) => [r.organisation, r.denominator, r.suppressed])).toEqual([
      ['ashby-vale-dc', null, true],
      ['castlebridge-council', null, true],
      ['fellshire-cc', 40, false],
      ['all', 69, false],
    ]);
    expect(rows[1]).toMatchObject({ numerator: null, value: null, too_few_cases: true });
    expect(rows[2]).toMatchObject({
      month: '2026-09',
      value: 75,
      unit: 'percent',
      target: 80,
      too_few_cases: false,
    });
    expect(rows[3]).toMatchObject({ organisation_name: 'Fellshire', numerator: 53 });
  });

  it('marks a figure with fewer cases than the KPI asks for as too few, while publishing it', () => {
    const rows = kpiMonthRows(
      kpi,
      [value('f', 20, 25), value(null, 20, 25)],
      { organisations, place: 'Fellshire' },
      10,
      true,
    );
    expect(rows.map((r) => [r.denominator, r.too_few_cases, r.suppressed])).toEqual([
      [25, true, false],
      [25, true, false],
    ]);
  });

  it('shows every figure without disclosure control (only for the test that shows what it stops)', () => {
    const rows = kpiMonthRows(kpi, month, { organisations, place: 'Fellshire' }, 10, false);
    expect(rows.every((r) => r.denominator !== null && r.suppressed === false)).toBe(true);
  });
});
