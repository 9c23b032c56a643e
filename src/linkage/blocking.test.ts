// Blocking: which pairs of records are compared, rule by rule, each pair once.
import { describe, expect, it } from 'vitest';
import { BLOCKING_RULES, type BlockingRule, candidatePairs, pairsByRule } from './blocking.ts';
import { buildColumns } from './columns.ts';
import type { LinkageRecord } from './normalise.ts';
import { syntheticPeople } from './synthetic.ts';

const person = (id: string, fields: Partial<LinkageRecord>, source = 'org-a'): LinkageRecord => ({
  id,
  source,
  ...fields,
});

describe('blocking', () => {
  const records = [
    person('1', { firstName: 'Ann', lastName: 'Lee', postcode: 'LS1 4AP', dateOfBirth: '1970-01-01' }),
    person('2', { firstName: 'Anne', lastName: 'Leigh', postcode: 'LS1 4AP', dateOfBirth: '1970-01-01' }),
    person('3', { firstName: 'Bob', lastName: 'Lee', postcode: 'LS1 4AP', dateOfBirth: '1971-05-05' }),
    person('4', { firstName: 'Ann', lastName: 'Lee', postcode: 'M1 1AE', dateOfBirth: '1970-01-01' }),
  ];
  const rules: BlockingRule[] = [
    {
      name: 'postcode',
      comparisons: [],
      train: false,
      key: (c, i) => c.text.postcode.ids[i] as number,
    },
    { name: 'date of birth', comparisons: [], train: false, key: (c, i) => c.dateOfBirth[i] || -1 },
  ];

  it('unions the rules, generates each pair once and counts pairs per rule', () => {
    const pairs = candidatePairs(buildColumns([records]), { rules });
    const found = Array.from({ length: pairs.count }, (_, k) => `${pairs.a[k]}-${pairs.b[k]}`).sort();
    expect(found).toEqual(['0-1', '0-2', '0-3', '1-2', '1-3']);
    expect(pairs.report).toEqual([
      { rule: 'postcode', newPairs: 3, pairs: 3, skippedBlocks: 0, windowedBlocks: 0, largestBlock: 3 },
      { rule: 'date of birth', newPairs: 2, pairs: 3, skippedBlocks: 0, windowedBlocks: 0, largestBlock: 3 },
    ]);
    // 0-1 is paired by both rules
    expect(pairs.rules[found.indexOf('0-1')]).toBe(3);
  });

  it('leaves out blocks that are too big, and reports them', () => {
    const pairs = candidatePairs(buildColumns([records]), { rules, maxBlockSize: 2 });
    expect(pairs.count).toBe(0);
    expect(pairs.report.map((r) => r.skippedBlocks)).toEqual([1, 1]);
  });

  it('pairs only records of different sets when linking two sets', () => {
    const left = records.slice(0, 2);
    const right = records.slice(2);
    const columns = buildColumns([left, right]);
    const pairs = candidatePairs(columns, { rules, crossSetOnly: true });
    expect(pairs.count).toBe(4);
    for (let k = 0; k < pairs.count; k++) {
      expect(columns.set[pairs.a[k] as number]).not.toBe(columns.set[pairs.b[k] as number]);
    }
  });

  describe('within a window of neighbours', () => {
    // six Lees born in 1970 on days 1 to 6, given in another order, and two Kings
    const days = [4, 1, 6, 2, 5, 3];
    const lees = days.map((day, i) =>
      person(`l${i}`, {
        firstName: 'Ann',
        lastName: 'Lee',
        dateOfBirth: `1970-01-0${day}`,
        postcode: 'LS1 4AP',
      }),
    );
    const kings = [1, 2].map((day, i) =>
      person(`k${i}`, { firstName: 'Ann', lastName: 'King', dateOfBirth: `1970-01-0${day}` }),
    );
    const surnameByDay: BlockingRule = {
      name: 'surname, nearest days',
      comparisons: [],
      train: false,
      key: (c, i) => c.text.lastName.ids[i] as number,
      window: { above: 2, neighbours: 1, order: (c, i) => c.dayNumber[i] as number },
    };
    const dayOf = (i: number) => (i < 6 ? (days[i] as number) : 1 + i - 6);
    const paired = (pairs: ReturnType<typeof candidatePairs>) =>
      Array.from({ length: pairs.count }, (_, k) => [pairs.a[k] as number, pairs.b[k] as number]);

    it('pairs a block bigger than the window only with its nearest in the rule’s order', () => {
      const pairs = candidatePairs(buildColumns([[...lees, ...kings]]), { rules: [surnameByDay] });
      const lee = paired(pairs).filter(([a]) => (a as number) < 6);
      // the Lees: each with the next day's only; the two Kings (not above the window) paired all with all
      expect(lee.map(([a, b]) => Math.abs(dayOf(a as number) - dayOf(b as number)))).toEqual([1, 1, 1, 1, 1]);
      expect(paired(pairs).filter(([a]) => (a as number) >= 6)).toEqual([[6, 7]]);
      expect(pairs.report[0]).toMatchObject({ pairs: 6, windowedBlocks: 1, largestBlock: 6 });
    });

    it('orders records of one value by their ids, so that any order of input windows them alike', () => {
      // six Lees born on one day: the rule's order cannot tell them apart
      const twins = [0, 1, 2, 3, 4, 5].map((k) =>
        person(`t${k}`, { firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1970-01-01' }),
      );
      const pairsOf = (records: typeof twins) => {
        const ids = records.map((r) => r.id);
        const pairs = candidatePairs(buildColumns([records]), { rules: [surnameByDay], recordIds: ids });
        return paired(pairs)
          .map(([a, b]) => [ids[a as number], ids[b as number]].sort().join('-'))
          .sort();
      };
      const shuffled = [0, 2, 4, 1, 3, 5].map((k) => twins[k] as (typeof twins)[number]);
      expect(pairsOf(twins)).toHaveLength(5);
      expect(pairsOf(shuffled)).toEqual(pairsOf(twins));
    });

    it('leaves a pair outside the window to a later rule, which makes it once and alone', () => {
      const postcode: BlockingRule = {
        name: 'postcode',
        comparisons: [],
        train: false,
        key: (c, i) => c.text.postcode.ids[i] as number,
      };
      const pairs = candidatePairs(buildColumns([lees]), { rules: [surnameByDay, postcode] });
      expect(pairs.count).toBe(15);
      expect(new Set(paired(pairs).map(([a, b]) => `${a}-${b}`)).size).toBe(15);
      for (let k = 0; k < pairs.count; k++) {
        const apart = Math.abs(dayOf(pairs.a[k] as number) - dayOf(pairs.b[k] as number));
        expect(pairs.rules[k]).toBe(apart === 1 ? 3 : 2);
      }
      expect(pairs.report.map((r) => r.newPairs)).toEqual([5, 10]);
      // and says of any two records which rules pair them, as the pairs' masks do
      const columns = buildColumns([lees]);
      const pairedBy = pairsByRule(columns, [surnameByDay, postcode]);
      for (let k = 0; k < pairs.count; k++) {
        const [a, b] = [pairs.a[k] as number, pairs.b[k] as number];
        expect([0, 1].map((r) => pairedBy(r, a, b))).toEqual([((pairs.rules[k] as number) & 1) === 1, true]);
      }
    });
  });

  it('the default rules find nearly every true pair of synthetic data', () => {
    const data = syntheticPeople({ records: 3000, seed: 11 });
    const pairs = candidatePairs(buildColumns([data.records]), { rules: BLOCKING_RULES });
    let truePairs = 0;
    for (let k = 0; k < pairs.count; k++)
      if (data.person[pairs.a[k] as number] === data.person[pairs.b[k] as number]) truePairs++;
    const groups = new Map<number, number>();
    for (const p of data.person) groups.set(p, (groups.get(p) ?? 0) + 1);
    const all = [...groups.values()].reduce((sum, n) => sum + (n * (n - 1)) / 2, 0);
    expect(truePairs / all).toBeGreaterThan(0.9);
  });
});
