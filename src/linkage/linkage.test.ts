import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCKING_RULES, candidatePairs } from './blocking.ts';
import { assembleColumns, buildColumns, normaliseChunk } from './columns.ts';
import { COMPARISONS, comparePair, compareRange } from './compare.ts';
import { estimateM, estimateU, indexPatterns, withExactAgreement } from './estimate.ts';
import { linkRecords } from './index.ts';
import type { LinkageRecord } from './normalise.ts';
import { syntheticPeople } from './synthetic.ts';

const person = (id: string, fields: Partial<LinkageRecord>, source = 'org-a'): LinkageRecord => ({
  id,
  source,
  ...fields,
});

const levelOf = (name: string, a: Partial<LinkageRecord>, b: Partial<LinkageRecord>) => {
  const columns = buildColumns([[person('a', a), person('b', b)]]);
  const index = COMPARISONS.findIndex((c) => c.name === name);
  const comparison = COMPARISONS[index];
  const level = comparison?.compare(columns, 0, 1) ?? -1;
  return level === 0 ? 'missing' : comparison?.levels[level - 1];
};

describe('comparison levels', () => {
  it.each([
    [{ firstName: 'William' }, { firstName: 'william' }, 'exact'],
    [{ firstName: 'William' }, { firstName: 'Bill' }, 'same name (nickname)'],
    [{ firstName: 'Margaret' }, { firstName: 'Peggy' }, 'same name (nickname)'],
    [{ firstName: 'Jonathon' }, { firstName: 'Jonathan' }, 'one edit (a typo)'],
    [{ firstName: 'Jane' }, { firstName: 'Xane' }, 'one edit (a typo)'],
    [{ firstName: 'Christopher' }, { firstName: 'Christofer' }, 'Jaro–Winkler ≥ 0.92'],
    [{ firstName: 'J' }, { firstName: 'Jane' }, 'initial only'],
    [{ firstName: 'Jane' }, { firstName: 'Oscar' }, 'different'],
    [{ firstName: 'Jane' }, {}, 'missing'],
    [
      { firstName: 'Smith', lastName: 'Jane' },
      { firstName: 'Jane', lastName: 'Smith' },
      'swapped with last name',
    ],
  ])('first names %j and %j: %s', (a, b, level) => {
    expect(levelOf('first name', a, b)).toBe(level);
  });

  it.each([
    ['1980-02-01', '1980-02-01', 'exact'],
    ['1980-02-01', '1980-01-02', 'day and month swapped'],
    ['1980-02-01', '1980-01-31', 'one day apart or one typo'],
    ['1980-02-01', '1980-02-07', 'same month, within ten days'],
    ['1980-02-01', '1980-02-11', 'same month, within ten days'],
    ['1980-02-01', '1980-02-20', 'same month, another day'],
    ['1980-02-01', '1908-02-01', 'one day apart or one typo'],
    ['1980-02-10', '1980-03-02', 'within a month'],
    ['1980-02-01', '1980-01-15', 'within a month'],
    ['1980-02-01', '1980-06-20', 'same year'],
    ['1980-02-01', '1975-06-20', 'different'],
  ])('dates %s and %s: %s', (a, b, level) => {
    expect(levelOf('date of birth', { dateOfBirth: a }, { dateOfBirth: b })).toBe(level);
  });

  it.each([
    [['12 High St', 'LS1 4AP'], ['12 High Street', 'LS1 4AP'], 'same address, same postcode'],
    [['12 High St', 'LS1 4AP'], ['12 Hihg St', 'LS1 4AP'], 'similar address, same postcode'],
    [['12 High St', 'LS1 4AP'], ['3 Mill Lane', 'LS1 4AP'], 'same postcode, different address'],
    [
      ['12 High St', 'LS1 4AP'],
      ['12 High St', 'LS1 4AQ'],
      'same or similar address, postcode one edit or same sector',
    ],
    [['12 High St', 'LS1 4AP'], ['12 High St', ''], 'same or similar address, no postcode to compare'],
    [['12 High St', 'LS1 4AP'], ['12 High St', 'M1 1AE'], 'same or similar address, different postcode'],
    [['12 High St', 'LS1 4AP'], ['3 Mill Lane', 'LS1 9ZZ'], 'same postcode district'],
    [['12 High St', 'LS1 4AP'], ['3 Mill Lane', 'M1 1AE'], 'different'],
  ])('homes %j and %j: %s', ([addressA, postcodeA], [addressB, postcodeB], level) => {
    const a = { addressLine: addressA, postcode: postcodeA };
    const b = { addressLine: addressB, postcode: postcodeB };
    expect(levelOf('address and postcode', a, b)).toBe(level);
  });

  it('does not count a shared surname twice for two people of one household', () => {
    const home = { addressLine: '12 High St', postcode: 'LS1 4AP', lastName: 'Smith' };
    expect(levelOf('last name', home, home)).toBe('missing');
    expect(levelOf('last name', home, { ...home, postcode: 'M1 1AE' })).toBe('exact');
    // a typo in the postcode does not make the home another one
    expect(levelOf('last name', home, { ...home, postcode: 'LS1 4AB' })).toBe('missing');
  });

  it('does not count the shared phone of a household when one record has no postcode, but counts the surname', () => {
    const home = { addressLine: '12 High St', postcode: 'LS1 4AP', lastName: 'Smith', phone: '07700 900123' };
    const other = { ...home, postcode: undefined };
    expect(levelOf('address and postcode', home, other)).toBe(
      'same or similar address, no postcode to compare',
    );
    expect(levelOf('last name', home, other)).toBe('exact');
    expect(levelOf('phone', home, other)).toBe('missing');
    // while one with no address line keeps them: the same postcode is too many homes
    expect(levelOf('phone', home, { ...home, addressLine: undefined })).toBe('exact');
  });

  it('counts first and last names swapped once, as the first name', () => {
    const a = { firstName: 'Smith', lastName: 'Jane' };
    const b = { firstName: 'Jane', lastName: 'Smith' };
    expect(levelOf('first name', a, b)).toBe('swapped with last name');
    expect(levelOf('last name', a, b)).toBe('missing');
    // with a typo in one of them too
    expect(levelOf('first name', { firstName: 'Smiht', lastName: 'Jane' }, b)).toBe('swapped with last name');
  });

  it.each([
    [{ firstName: 'Smith', lastName: 'J' }, 'an initial'],
    [{ firstName: 'Johnson', lastName: 'Patty' }, 'a nickname'],
    [{ firstName: 'Penwoh', lastName: 'Isla' }, 'two typos'],
  ])('counts names swapped and written another way (%j: %s) once, as the first name', (a) => {
    const b =
      a.lastName === 'Patty'
        ? { firstName: 'Patricia', lastName: 'Johnson' }
        : a.lastName === 'Isla'
          ? { firstName: 'Isla', lastName: 'Penworth' }
          : { firstName: 'Jane', lastName: 'Smith' };
    expect(levelOf('first name', a, b)).toBe('swapped with last name, written another way');
    expect(levelOf('last name', a, b)).toBe('missing');
  });

  it('tells an email address shared with the names apart from one shared alone', () => {
    const a = { firstName: 'Jane', lastName: 'Smith', email: 'jane.smith1@example.com' };
    expect(levelOf('email', a, { ...a })).toBe('exact, and both names exact too');
    expect(levelOf('email', a, { ...a, lastName: 'Jones' })).toBe('exact');
    expect(levelOf('email', a, { ...a, email: 'jane.smith2@example.com' })).toBe('different');
  });

  it('prefers first names that agree themselves to a loose swap', () => {
    // Jon Jones and Jon Jonas: their first names agree; the last names are not a swap's leftovers
    const a = { firstName: 'Jon', lastName: 'Jones' };
    const b = { firstName: 'Jon', lastName: 'Jonas' };
    expect(levelOf('first name', a, b)).toBe('exact');
    expect(levelOf('last name', a, b)).not.toBe('missing');
  });

  it('is symmetric for every comparison', () => {
    const data = syntheticPeople({ records: 400, seed: 3, duplicateRate: 0.3 });
    const columns = buildColumns([data.records]);
    fc.assert(
      fc.property(fc.nat(399), fc.nat(399), (a, b) => {
        expect(comparePair(columns, a, b)).toEqual(comparePair(columns, b, a));
      }),
    );
  });

  it('compares a range of pairs exactly as one pair at a time', () => {
    const data = syntheticPeople({ records: 200, seed: 4 });
    const columns = buildColumns([data.records]);
    const a = Int32Array.from({ length: 150 }, (_, k) => k);
    const b = Int32Array.from({ length: 150 }, (_, k) => 199 - k);
    const levels = new Uint8Array(150 * COMPARISONS.length);
    compareRange(columns, a, b, levels, 0, 150);
    for (let k = 0; k < 150; k++) {
      expect([...levels.subarray(k * COMPARISONS.length, (k + 1) * COMPARISONS.length)]).toEqual(
        comparePair(columns, a[k] as number, b[k] as number),
      );
    }
  });
});

describe('learning m and u without labels', () => {
  it('recovers m and u of the synthetic data roughly', () => {
    const data = syntheticPeople({ records: 6000, seed: 5 });
    const columns = buildColumns([data.records]);
    const pairs = candidatePairs(columns);
    const levels = new Uint8Array(pairs.count * COMPARISONS.length);
    compareRange(columns, pairs.a, pairs.b, levels, 0, pairs.count);
    // u from all pairs among the first 600 records: nearly all are different people
    const n = 600;
    const ra: number[] = [];
    const rb: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        ra.push(i);
        rb.push(j);
      }
    }
    const randomLevels = new Uint8Array(ra.length * COMPARISONS.length);
    compareRange(columns, Int32Array.from(ra), Int32Array.from(rb), randomLevels, 0, ra.length);
    const u = estimateU(randomLevels, ra.length);
    const { m } = estimateM(
      indexPatterns(levels, pairs.count, COMPARISONS.length),
      pairs.rules,
      BLOCKING_RULES,
      u,
    );

    // the truth: m from the true pairs among the candidates
    const width = COMPARISONS.length;
    const dob = COMPARISONS.findIndex((c) => c.name === 'date of birth');
    const dobLevels = COMPARISONS[dob]?.levels.length ?? 0;
    const tally = new Array<number>(dobLevels + 1).fill(0);
    for (let k = 0; k < pairs.count; k++) {
      if (data.person[pairs.a[k] as number] !== data.person[pairs.b[k] as number]) continue;
      const level = levels[k * width + dob] as number;
      tally[level] = (tally[level] as number) + 1;
    }
    const seen = tally.slice(1).reduce((s, x) => s + x, 0);
    const trueExact = (tally[1] as number) / seen;
    expect(m[dob]?.[1]).toBeGreaterThan(trueExact - 0.1);
    expect(m[dob]?.[1]).toBeLessThan(trueExact + 0.1);
    // u of an exact date of birth is about one in 25,000 days
    expect(u[dob]?.[1]).toBeLessThan(0.001);
    // and two random people are almost always born in different years
    expect(u[dob]?.[dobLevels]).toBeGreaterThan(0.95);
  });
});

describe('u of exact agreement counted over every pair', () => {
  const emails = ['ann@example.com', 'ann@example.com', 'bob@example.com', 'cy@example.com', undefined];
  const records = emails.map((email, i) => person(`r${i}`, { email }, i < 2 ? 'org-a' : 'org-b'));
  const emailAt = COMPARISONS.findIndex((c) => c.name === 'email');
  const sampled = COMPARISONS.map((c) => [0, ...c.levels.map(() => 1 / c.levels.length)]);

  it('is the share of pairs holding the same value, the other levels sharing what is left', () => {
    // four records hold an email; one pair of the six agrees
    const u = withExactAgreement(sampled, buildColumns([records]), false);
    expect(u[emailAt]?.[1]).toBeCloseTo(1 / 6, 10);
    expect(u[emailAt]?.at(-1)).toBeCloseTo(5 / 6, 10);
  });

  it('weighs an email agreeing with the names by how often namesakes born in other years share one', () => {
    // two Jane Smiths of 1970 share an address (most likely one person, so not counted); of the
    // ten ordered pairs born in different years, two (1950 and 1960) share one
    const janes = [
      ['1950-01-01', 'a@example.com'],
      ['1960-01-01', 'a@example.com'],
      ['1970-01-01', 'b@example.com'],
      ['1970-02-01', 'b@example.com'],
    ].map(([dateOfBirth, email], i) =>
      person(`j${i}`, { firstName: 'Jane', lastName: 'Smith', dateOfBirth, email }),
    );
    const u = withExactAgreement(sampled, buildColumns([janes]), false);
    expect(u[emailAt]?.[2]).toBeCloseTo(2 / 10, 10);
  });

  it('counts only pairs across the two sets when linking', () => {
    // org-a holds ann twice, org-b ann never: no pair across agrees, so the sample stands
    const columns = buildColumns([records.slice(0, 2), records.slice(2)]);
    expect(withExactAgreement(sampled, columns, true)[emailAt]).toEqual(sampled[emailAt]);
    const shared = buildColumns([records.slice(0, 1), records.slice(1)]);
    // ann against ann, bob and cy: one of three pairs agrees
    expect(withExactAgreement(sampled, shared, true)[emailAt]?.[1]).toBeCloseTo(1 / 3, 10);
  });
});

describe('linking records', () => {
  it('links an uncertain pair whose records stronger links already made one person, unless asked not to', async () => {
    // Jane's two later records each match her first surely (her email; her NHS number at her
    // home) but one another only doubtfully: a first name like hers, her surname and month of birth
    const records = [
      person('first', {
        firstName: 'Jane',
        lastName: 'Fairweather',
        dateOfBirth: '1961-04-12',
        sex: 'f',
        addressLine: '3 Mill Lane',
        postcode: 'LS6 2AB',
        nhsNumber: '943 476 5919',
        email: 'jane.f@example.com',
      }),
      person('moved', {
        firstName: 'Jane',
        lastName: 'Fairweather',
        dateOfBirth: '1961-04-12',
        sex: 'f',
        addressLine: '80 Park Road',
        postcode: 'HG1 5QT',
        email: 'jane.f@example.com',
      }),
      person('typed', {
        firstName: 'Jean',
        lastName: 'Fairweather',
        dateOfBirth: '1961-04-28',
        sex: 'f',
        addressLine: '3 Mill Lane',
        postcode: 'LS6 2AB',
        nhsNumber: '9434765919',
      }),
    ];
    const data = syntheticPeople({ records: 3000, seed: 7 });
    const all = [...records, ...data.records];
    const pairKey = (p: { a: string; b: string }) => [p.a, p.b].sort().join(' ');
    const kept = await linkRecords({ records: all }, { threads: 0, linkWithinPeople: false });
    const doubtful = kept.review.find((p) => pairKey(p) === 'moved typed');
    expect(doubtful, 'the two later records are only doubtfully one person').toBeDefined();
    expect(kept.personIds.get('moved')).toBe(kept.personIds.get('typed'));
    const linked = await linkRecords({ records: all }, { threads: 0 });
    expect(linked.matches.map(pairKey)).toContain('moved typed');
    expect(linked.review.map(pairKey)).not.toContain('moved typed');
  });

  const base = { dateOfBirth: '1980-02-01', postcode: 'LS1 4AP', addressLine: '1 High St' };
  const crowd = Array.from({ length: 60 }, (_, i) =>
    person(`s${i}`, {
      firstName: ['Ann', 'Bob', 'Cat', 'Dan', 'Eve', 'Fay'][i % 6],
      lastName: i < 50 ? 'Smith' : `Zyx${i}`,
      dateOfBirth: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
      postcode: `LS${i % 9} ${i % 10}AB`,
    }),
  );

  it('weighs an exact match on a rare surname more than on a common one', async () => {
    const records = [
      ...crowd,
      person('c1', { ...base, firstName: 'Gus', lastName: 'Smith' }),
      person('c2', {
        ...base,
        firstName: 'Gus',
        lastName: 'Smith',
        addressLine: '2 Low Rd',
        postcode: 'M1 1AE',
      }),
      person('r1', { ...base, firstName: 'Gus', lastName: 'Zzyzx' }),
      person('r2', {
        ...base,
        firstName: 'Gus',
        lastName: 'Zzyzx',
        addressLine: '2 Low Rd',
        postcode: 'M1 1AE',
      }),
    ];
    const result = await linkRecords({ records }, { threads: 0 });
    const surname = (a: string, b: string) =>
      result.explain(a, b).steps.find((s) => s.comparison === 'last name');
    const common = surname('c1', 'c2');
    const rare = surname('r1', 'r2');
    expect(common?.level).toBe('exact');
    expect(rare?.level).toBe('exact');
    expect(common?.weight).toBe(rare?.weight);
    expect((rare?.termFrequencyAdjustment ?? 0) - (common?.termFrequencyAdjustment ?? 0)).toBeGreaterThan(2);
    expect(result.explain('r1', 'r2').total).toBeGreaterThan(result.explain('c1', 'c2').total);
  });

  it('explains each pair with steps that add up to its total weight', async () => {
    const data = syntheticPeople({ records: 500, seed: 9 });
    const result = await linkRecords({ records: data.records }, { threads: 0 });
    for (const pair of [...result.matches, ...result.review].slice(0, 50)) {
      const explanation = result.explain(pair.a, pair.b);
      const sum = explanation.steps.reduce(
        (s, step) => s + step.weight + step.termFrequencyAdjustment,
        explanation.prior,
      );
      expect(sum).toBeCloseTo(explanation.total, 6);
      expect(explanation.total).toBeCloseTo(pair.weight, 3);
      expect(explanation.steps.map((s) => s.comparison)).toEqual(COMPARISONS.map((c) => c.name));
    }
  });

  it('sorts every pair above the review threshold into automatic matches or the review band', async () => {
    const data = syntheticPeople({ records: 800, seed: 10 });
    const result = await linkRecords(
      { records: data.records },
      { threads: 0, matchThreshold: 0.95, reviewThreshold: 0.2, linkWithinPeople: false },
    );
    for (const pair of result.matches) expect(pair.probability).toBeGreaterThanOrEqual(0.95);
    for (const pair of result.review) {
      expect(pair.probability).toBeGreaterThanOrEqual(0.2);
      expect(pair.probability).toBeLessThan(0.95);
      expect(pair.explanation.probability).toBeCloseTo(pair.probability, 5);
    }
  });

  it('links two sets by pairs across them only, and every record gets a person', async () => {
    const data = syntheticPeople({ records: 600, seed: 12, duplicateRate: 0.4 });
    const left = data.records.slice(0, 300);
    const right = data.records.slice(300);
    const leftIds = new Set(left.map((r) => r.id));
    const result = await linkRecords({ left, right }, { threads: 0 });
    expect(result.mode).toBe('link');
    expect(result.matches.length).toBeGreaterThan(0);
    for (const pair of [...result.matches, ...result.review])
      expect(leftIds.has(pair.a)).not.toBe(leftIds.has(pair.b));
    expect(result.personIds.size).toBe(600);
  });

  it('gives the same result on worker threads as on the calling thread', async () => {
    const data = syntheticPeople({ records: 2500, seed: 13 });
    const inline = await linkRecords({ records: data.records }, { threads: 0, randomPairs: 70_000 });
    const threaded = await linkRecords({ records: data.records }, { threads: 2, randomPairs: 70_000 });
    expect(threaded.matches).toEqual(inline.matches);
    expect(threaded.model).toEqual(inline.model);
  });

  it('lays out records split into runs exactly as in one run', () => {
    const data = syntheticPeople({ records: 3000, seed: 15 });
    const sets = [data.records.slice(0, 1000), data.records.slice(1000)];
    const inOne = buildColumns(sets);
    const runs = [data.records.slice(0, 700), data.records.slice(700, 2100), data.records.slice(2100)];
    expect(
      assembleColumns(
        runs.map((run) => normaliseChunk(run)),
        [1000, 2000],
      ),
    ).toEqual(inOne);
  });

  it('reports progress by stage', async () => {
    const stages = new Set<string>();
    const data = syntheticPeople({ records: 300, seed: 14 });
    await linkRecords({ records: data.records }, { threads: 0, onProgress: (stage) => stages.add(stage) });
    expect([...stages]).toEqual([
      'normalise',
      'block',
      'compare random pairs',
      'compare candidate pairs',
      'estimate',
      'score',
      'cluster',
    ]);
  });

  it('refuses records with the same id', async () => {
    await expect(linkRecords({ records: [person('x', {}), person('x', {})] })).rejects.toThrow('unique');
  });
});
