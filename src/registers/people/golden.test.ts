import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { peopleFrom, personEvents } from './golden.ts';

describe('people from links and decisions', () => {
  const ids = ['a', 'b', 'c', 'd'];

  it('joins records by automatic links, and stands a record matched to nothing alone', () => {
    expect(peopleFrom(ids, [{ a: 'a', b: 'b', weight: 9 }], [], [])).toEqual([['a', 'b'], ['c'], ['d']]);
  });

  it('joins a pair a reviewer confirmed whatever the engine said', () => {
    expect(peopleFrom(ids, [], [['c', 'd']], [])).toEqual([['a'], ['b'], ['c', 'd']]);
  });

  it('keeps apart a pair a reviewer rejected, even through a chain of links, dropping the weakest', () => {
    const links = [
      { a: 'a', b: 'b', weight: 9 },
      { a: 'b', b: 'c', weight: 3 },
    ];
    expect(peopleFrom(ids, links, [], [['a', 'c']])).toEqual([['a', 'b'], ['c'], ['d']]);
  });

  it('never puts two records a reviewer separated into one person (any links, any decisions)', () => {
    const record = fc.constantFrom(...ids, 'e', 'f');
    fc.assert(
      fc.property(
        fc.array(fc.record({ a: record, b: record, weight: fc.double({ min: -5, max: 30, noNaN: true }) })),
        fc.array(fc.tuple(record, record)),
        fc.array(fc.tuple(record, record)),
        (links, confirmed, rejected) => {
          const all = [...ids, 'e', 'f'];
          const rejectedApart = rejected.filter(([a, b]) => a !== b);
          const people = peopleFrom(all, links, confirmed, rejectedApart);
          expect(people.flat().sort()).toEqual(all);
          const personOf = new Map(people.flatMap((p, i) => p.map((r) => [r, i] as const)));
          for (const [a, b] of rejectedApart) expect(personOf.get(a)).not.toBe(personOf.get(b));
        },
      ),
    );
  });
});

describe('what happened to people between runs', () => {
  const map = (o: Record<string, string>) => new Map(Object.entries(o));

  it('says when two people merged, and retires the one whose records moved', () => {
    const events = personEvents(map({ r1: 'P1', r2: 'P2' }), map({ r1: 'P1', r2: 'P1' }));
    expect(events).toEqual([
      { event: 'records-added', person: 'P1', records: ['r2'] },
      { event: 'merged', person: 'P1', from: ['P2'] },
      { event: 'retired', person: 'P2', mergedInto: 'P1' },
    ]);
  });

  it('says when a person split, and that a new person was created', () => {
    const events = personEvents(map({ r1: 'P1', r2: 'P1' }), map({ r1: 'P1', r2: 'P3' }));
    expect(events).toEqual([
      { event: 'records-removed', person: 'P1', records: ['r2'] },
      { event: 'created', person: 'P3', records: ['r2'] },
      { event: 'split', person: 'P1', into: ['P3'] },
    ]);
  });

  it('says nothing when nothing changed', () => {
    expect(personEvents(map({ r1: 'P1' }), map({ r1: 'P1' }))).toEqual([]);
  });
});
