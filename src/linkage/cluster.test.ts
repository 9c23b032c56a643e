import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignPersonIds, connectedComponents } from './cluster.ts';

const counter = (prefix = 'new') => {
  let n = 0;
  return () => `${prefix}-${++n}`;
};

describe('clustering matched pairs into people', () => {
  it('joins records linked by a chain of matches', () => {
    expect(connectedComponents(6, [0, 1, 4], [1, 2, 5])).toEqual([[0, 1, 2], [3], [4, 5]]);
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
});
