// Linking only what changed: the records new or changed since the last run, paired with the
// others and scored with the last run's model, among every record or among just those sharing a
// kept blocking key with them.
import { describe, expect, it } from 'vitest';
import { BLOCKING_RULES } from './blocking.ts';
import { linkRecords, storedKeysOf } from './index.ts';
import { syntheticPeople } from './synthetic.ts';

describe('linking only what changed', () => {
  const data = syntheticPeople({ records: 4000, seed: 21 });
  const arrived = new Set(data.records.slice(0, 40).map((r) => r.id));
  const before = data.records.slice(40);
  // the same person is the same cluster: each record's cluster named by its smallest record id
  const peopleOf = (clusters: string[][]) => {
    const name = new Map<string, string>();
    for (const cluster of clusters) {
      const first = [...cluster].sort()[0] as string;
      for (const id of cluster) name.set(id, first);
    }
    return name;
  };

  it('compares only pairs with a new record and gives the people linking everything with that model gives', async () => {
    const last = await linkRecords({ records: before }, { threads: 0 });
    const since = { model: last.model, changed: arrived, matches: last.matches };
    const incremental = await linkRecords({ records: data.records }, { threads: 0, since });
    const everything = await linkRecords(
      { records: data.records },
      { threads: 0, since: { ...since, changed: new Set(data.records.map((r) => r.id)) } },
    );
    expect(incremental.candidatePairs).toBeLessThan(everything.candidatePairs / 20);
    for (const pair of incremental.review) expect(arrived.has(pair.a) || arrived.has(pair.b)).toBe(true);
    const a = peopleOf(incremental.clusters);
    const b = peopleOf(everything.clusters);
    const differing = data.records.filter((r) => a.get(r.id) !== b.get(r.id));
    expect(differing.length).toBeLessThanOrEqual(data.records.length / 200);
    expect(incremental.matches.some((p) => arrived.has(p.a) || arrived.has(p.b))).toBe(true);
  });

  it('scores the changed records among just the records sharing a kept key with them as among all', async () => {
    const last = await linkRecords({ records: before }, { threads: 0 });
    const all = await linkRecords(
      { records: data.records },
      { threads: 0, since: { model: last.model, changed: arrived, matches: [] } },
    );
    // the keys kept of every record, and those of the arrivals, in separate runs of the engine
    const width = BLOCKING_RULES.length;
    const kept = storedKeysOf(data.records);
    const wanted = new Set(storedKeysOf(data.records.slice(0, 40)));
    wanted.delete(0);
    const around = data.records.filter((_, i) =>
      [...kept.subarray(i * width, (i + 1) * width)].some((key) => wanted.has(key)),
    );
    expect(around.length).toBeLessThan(data.records.length / 4);
    const some = await linkRecords(
      { records: around },
      {
        threads: 0,
        since: { model: last.model, changed: arrived, matches: [], frequencies: all.valueCounts() },
      },
    );
    const scored = (pairs: { a: string; b: string; weight: number }[]) =>
      pairs.map((p) => `${[p.a, p.b].sort().join(' ')} ${p.weight.toFixed(6)}`).sort();
    expect(some.candidatePairs).toBe(all.candidatePairs);
    expect(scored(some.matches)).toEqual(scored(all.matches));
    expect(scored(some.review)).toEqual(scored(all.review));
    expect(some.matches.length).toBeGreaterThan(0);
  });

  it('drops the last matches of a record that changed, and refuses a model of other comparisons', async () => {
    const last = await linkRecords({ records: data.records }, { threads: 0 });
    const [pair] = last.matches;
    if (!pair) throw new Error('no match to change');
    const changed = new Set([pair.a]);
    const edited = data.records.map((r) =>
      r.id === pair.a
        ? {
            ...r,
            firstName: 'Zebedee',
            lastName: 'Quartermaine',
            dateOfBirth: '1901-01-01',
            nhsNumber: undefined,
            email: undefined,
            phone: undefined,
            addressLine: '1 Nowhere Road',
            postcode: 'ZZ9 9ZZ',
          }
        : r,
    );
    const result = await linkRecords(
      { records: edited },
      { threads: 0, since: { model: last.model, changed, matches: last.matches } },
    );
    expect(result.matches.some((p) => p.a === pair.a || p.b === pair.a)).toBe(false);
    const stale = { ...last.model, comparisons: last.model.comparisons.slice(1) };
    await expect(
      linkRecords(
        { records: edited },
        { threads: 0, since: { model: stale, changed, matches: last.matches } },
      ),
    ).rejects.toThrow(/other comparisons/);
  });
});
