import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignPersonIds,
  carryPersonIds,
  connectedComponents,
  peopleOf,
  personIdsInOrder,
  sizesOf,
} from './cluster.ts';

const counter = (prefix = 'new') => {
  let n = 0;
  return () => `${prefix}-${++n}`;
};

describe('clustering matched pairs into people', () => {
  it('joins records linked by a chain of matches', () => {
    expect(connectedComponents(6, [0, 1, 4], [1, 2, 5])).toEqual([[0, 1, 2], [3], [4, 5]]);
  });

  it("numbers each record's person in order of the person's smallest record, in a typed array", () => {
    const people = peopleOf(7, [4, 1, 5], [5, 2, 0]);
    expect(people.count).toBe(4);
    expect([...people.personOf]).toEqual([0, 1, 1, 2, 0, 0, 3]);
    expect([...sizesOf(people)]).toEqual([3, 2, 1, 1]);
  });

  it('always makes a partition of the records', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 40 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 60 })),
          ),
        ([n, pairs]) => {
          const clusters = connectedComponents(
            n,
            pairs.map(([a]) => a),
            pairs.map(([, b]) => b),
          );
          const all = clusters.flat().sort((x, y) => x - y);
          expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
          const clusterOf = new Map<number, number>();
          clusters.forEach((c, index) => {
            for (const r of c) clusterOf.set(r, index);
          });
          for (const [a, b] of pairs) expect(clusterOf.get(a)).toBe(clusterOf.get(b));
        },
      ),
    );
  });
});

describe('stable person ids', () => {
  it('gives new people new ids on the first run', () => {
    const ids = assignPersonIds([['a', 'b'], ['c']], new Map(), counter());
    expect(ids).toEqual(
      new Map([
        ['a', 'new-1'],
        ['b', 'new-1'],
        ['c', 'new-2'],
      ]),
    );
  });

  it('keeps existing ids when a record is added to a person', () => {
    const previous = new Map([
      ['a', 'P1'],
      ['b', 'P1'],
      ['c', 'P2'],
    ]);
    const ids = assignPersonIds([['a', 'b', 'd'], ['c'], ['e']], previous, counter());
    expect(ids.get('d')).toBe('P1');
    expect(ids.get('a')).toBe('P1');
    expect(ids.get('c')).toBe('P2');
    expect(ids.get('e')).toBe('new-1');
  });

  it('keeps one of the two ids when two people turn out to be one: the one most records had', () => {
    const previous = new Map([
      ['a', 'P2'],
      ['b', 'P2'],
      ['c', 'P1'],
    ]);
    const ids = assignPersonIds([['a', 'b', 'c']], previous, counter());
    expect(new Set(ids.values())).toEqual(new Set(['P2']));
  });

  it('breaks a tie in a merge by keeping the smaller id', () => {
    const previous = new Map([
      ['a', 'P7'],
      ['b', 'P3'],
    ]);
    expect(assignPersonIds([['a', 'b']], previous, counter()).get('a')).toBe('P3');
  });

  it('gives the old id to the bigger part when a person is split, and a new one to the rest', () => {
    const previous = new Map([
      ['a', 'P1'],
      ['b', 'P1'],
      ['c', 'P1'],
    ]);
    const ids = assignPersonIds([['a', 'b'], ['c']], previous, counter());
    expect(ids.get('a')).toBe('P1');
    expect(ids.get('c')).toBe('new-1');
  });

  it('never hands out a new id that is already taken', () => {
    const previous = new Map([['a', 'new-1']]);
    const ids = assignPersonIds([['a'], ['b']], previous, counter());
    expect(ids.get('a')).toBe('new-1');
    expect(ids.get('b')).toBe('new-2');
  });

  it('is stable: re-running on the same clusters with its own output changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 30 }), (groups) => {
        const clusters: string[][] = [];
        groups.forEach((g, i) => {
          while (clusters.length <= g) clusters.push([]);
          clusters[g]?.push(`r${i}`);
        });
        const nonEmpty = clusters.filter((c) => c.length > 0);
        const first = assignPersonIds(nonEmpty, new Map(), counter('x'));
        expect(assignPersonIds(nonEmpty, first, counter('y'))).toEqual(first);
        // every cluster one id, different clusters different ids
        const idsOfClusters = nonEmpty.map((c) => new Set(c.map((r) => first.get(r))));
        for (const s of idsOfClusters) expect(s.size).toBe(1);
        expect(new Set(idsOfClusters.map((s) => [...s][0])).size).toBe(nonEmpty.length);
      }),
    );
  });

  it('carries the ids that sorting every claim of every person gives, contested or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.option(fc.integer({ min: 0, max: 5 }))), {
          minLength: 1,
          maxLength: 30,
        }),
        (records) => {
          const clusters: string[][] = [];
          const previous = new Map<string, string>();
          records.forEach(([g, before], i) => {
            while (clusters.length <= g) clusters.push([]);
            // ids that sort otherwise than their numbers, so that ties are broken by text
            clusters[g]?.push(`r${(i * 7) % 31}-${i}`);
            if (before !== null) previous.set(`r${(i * 7) % 31}-${i}`, `P${before}`);
          });
          const nonEmpty = clusters.filter((c) => c.length > 0);
          expect(assignPersonIds(nonEmpty, previous, counter())).toEqual(
            everyClaimSorted(nonEmpty, previous, counter()),
          );
        },
      ),
    );
  });

  it('gives ids person by person from record indexes, with no map of records', () => {
    // records 0..4: people {0, 1}, {2}, {3}, {4}; the previous run had 0 and 3 as A, 2 as B
    const people = peopleOf(5, [0], [1]);
    const previous = { personOf: Int32Array.from([0, -1, 1, 0, -1]), ids: ['A', 'B'] };
    const carried = carryPersonIds(people, ['a', 'b', 'c', 'd', 'e'], previous);
    // A is wanted by {0, 1} and by {3}, one record each: the one whose first record sorts first
    expect([...carried]).toEqual([0, 1, -1, -1]);
    expect([...personIdsInOrder(carried, previous, counter())]).toEqual(['A', 'B', 'new-1', 'new-2']);
  });
});

/** The assignment as first written: every claim of every cluster sorted, then taken in turn. */
function everyClaimSorted(
  clusters: readonly (readonly string[])[],
  previous: ReadonlyMap<string, string>,
  newPersonId: () => string,
): Map<string, string> {
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const claims: { cluster: number; personId: string; records: number; firstRecord: string }[] = [];
  clusters.forEach((recordIds, cluster) => {
    const tally = new Map<string, number>();
    for (const recordId of recordIds) {
      const personId = previous.get(recordId);
      if (personId !== undefined) tally.set(personId, (tally.get(personId) ?? 0) + 1);
    }
    const firstRecord = [...recordIds].sort(text)[0] as string;
    for (const [personId, records] of tally) claims.push({ cluster, personId, records, firstRecord });
  });
  claims.sort(
    (x, y) => y.records - x.records || text(x.personId, y.personId) || text(x.firstRecord, y.firstRecord),
  );
  const idOfCluster: (string | undefined)[] = [];
  const taken = new Set<string>();
  for (const claim of claims) {
    if (idOfCluster[claim.cluster] !== undefined || taken.has(claim.personId)) continue;
    idOfCluster[claim.cluster] = claim.personId;
    taken.add(claim.personId);
  }
  const assignment = new Map<string, string>();
  clusters.forEach((recordIds, cluster) => {
    let personId = idOfCluster[cluster];
    if (personId === undefined) {
      do personId = newPersonId();
      while (taken.has(personId));
    }
    for (const recordId of recordIds) assignment.set(recordId, personId);
  });
  return assignment;
}
