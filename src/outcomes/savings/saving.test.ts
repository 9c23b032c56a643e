// The savings partners record, checked before anything is stored; channel shift's saving computed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSaving, pence, type SavingInput } from './saving.ts';
import { channelShiftSavings, financialYear, readUnitCosts } from './shift.ts';

const known = new Set(['fellshire-cc', 'ashby-vale-dc', 'fellshire-nhs']);
const good: SavingInput = {
  title: 'Shared contact centre',
  description: 'One contact centre for the county and the district',
  evidence: 'Finance report FR-2026-14',
  cashable: 'yes',
  recurrence: 'recurring',
  amount: '£120,000',
  year: '2026',
  shares: [
    { organisation: 'fellshire-cc', percent: '60' },
    { organisation: 'ashby-vale-dc', percent: '40%' },
  ],
};
const fieldsOf = (input: SavingInput) =>
  checkSaving(input, known, 2026).errors.map((e) => `${e.field}: ${e.message}`);

describe('a saving recorded', () => {
  it('passes when whole, in pence and basis points', () => {
    const { errors, saving } = checkSaving(good, known, 2026);
    expect(errors).toEqual([]);
    expect(saving).toMatchObject({
      amountPence: 12_000_000,
      recurring: true,
      cashable: true,
      financialYear: 2026,
    });
    expect(saving.shares).toEqual([
      { organisation: 'fellshire-cc', basisPoints: 6000 },
      { organisation: 'ashby-vale-dc', basisPoints: 4000 },
    ]);
  });

  it.each([
    [
      'shares not adding up to 100%',
      {
        shares: [
          { organisation: 'fellshire-cc', percent: '60' },
          { organisation: 'ashby-vale-dc', percent: '30' },
        ],
      },
      'share-percent-1: The shares must add up to 100%',
    ],
    ['a negative recurring amount', { amount: '-5000' }, 'amount: A recurring saving cannot be negative'],
    [
      'a one-off amount of nothing',
      { recurrence: 'one_off', amount: '0' },
      'amount: The amount must be more than £0',
    ],
    ['an amount that is not money', { amount: 'lots' }, 'amount: Enter the amount in pounds'],
    [
      'an unknown organisation',
      { shares: [{ organisation: 'nowhere-council', percent: '100' }] },
      'share-organisation-1: Choose the organisation of share 1',
    ],
    [
      'an organisation twice',
      {
        shares: [
          { organisation: 'fellshire-cc', percent: '50' },
          { organisation: 'fellshire-cc', percent: '50' },
        ],
      },
      'share-organisation-2: Share 2: each organisation has one share',
    ],
    ['no shares', { shares: [] }, 'share-organisation-1: Say which organisations share the saving'],
    ['no evidence', { evidence: ' ' }, 'evidence: Give the evidence'],
    ['a year far off', { year: '1999' }, 'year: Choose the financial year'],
  ])('refuses %s', (_name, change, message) => {
    expect(fieldsOf({ ...good, ...change }).join('\n')).toContain(message);
  });

  it('reads pounds as people type them', () => {
    expect(pence('£1,200.5')).toBe(120_050);
    expect(pence('1200')).toBe(120_000);
    expect(pence('-£3')).toBe(-300);
    expect(pence('1,20')).toBeNull();
  });
});

describe('the saving of channel shift', () => {
  const costs = readUnitCosts(readFileSync(new URL('unit-costs.yaml', import.meta.url), 'utf8'));

  it('reads the published averages with their source', () => {
    expect(costs.costs).toMatchObject({ phone: 4, face_to_face: 11, online: 0.14 });
    expect(costs.source).toContain('Socitm');
  });

  it('counts contacts moved from assisted to online against the baseline, by financial year', () => {
    const months = [
      { month: '2025-01-01', counts: { online: 50, phone: 50 } },
      { month: '2025-02-01', counts: { online: 50, phone: 50 } },
      { month: '2025-03-01', counts: { online: 50, phone: 50 } },
      { month: '2025-04-01', counts: { online: 80, phone: 20 } }, // 30 moved
      { month: '2026-04-01', counts: { online: 60, api: 30, phone: 10 } }, // 40 moved
    ];
    const { baseline, years } = channelShiftSavings(months, costs);
    expect(baseline.assistedShare).toBe(0.5);
    expect(baseline.perMove).toBeCloseTo(3.86, 2);
    expect(years).toEqual([
      { year: 2025, contacts: 100, moved: 30, saving: 115.8 },
      { year: 2026, contacts: 100, moved: 40, saving: 154.4 },
    ]);
  });

  it('shows a loss when more contacts are assisted than at the baseline', () => {
    const months = ['2026-01-01', '2026-02-01', '2026-03-01'].map((month) => ({
      month,
      counts: { online: 90, phone: 10 },
    }));
    const { years } = channelShiftSavings(
      [...months, { month: '2026-05-01', counts: { online: 70, phone: 30 } }],
      costs,
    );
    expect(years[0]?.moved).toBe(-20);
    expect(years[0]?.saving).toBeLessThan(0);
  });

  it('puts January to March in the financial year before', () => {
    expect(financialYear('2027-03-01')).toBe(2026);
    expect(financialYear('2027-04-01')).toBe(2027);
  });

  it('refuses a unit costs file without its source or with a cost that is not a number', () => {
    expect(() =>
      readUnitCosts('phone: 4\nface_to_face: 11\nletter: 11\nonline: 0.1\napi: 0.1\nbaseline_months: 3'),
    ).toThrow('source is missing');
    expect(() => readUnitCosts('source: x\nonline: cheap')).toThrow('online must be a cost in pounds');
  });
});
