import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CompactRange,
  consistencyProof,
  frontierRanges,
  inclusionProof,
  leafHash,
  nodeHash,
  rootOf,
  SubtreeRoots,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(`entry ${i}`));

/** The definition of RFC 9162 section 2.1.1, written the slow way. */
function mth(d: Buffer[]): Buffer {
  if (d.length === 0) return createHash('sha256').digest();
  if (d.length === 1) return d[0] as Buffer;
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)));
}

describe('the Merkle tree of the ledger', () => {
  it('has the tree head RFC 9162 defines, for every size', () => {
    for (let n = 0; n <= 40; n++) expect(rootOf(leaves(n)).equals(mth(leaves(n)))).toBe(true);
  });

  it('gives the head after every leaf from the compact range', () => {
    const range = new CompactRange();
    const all = leaves(33);
    all.forEach((leaf, i) => {
      range.push(leaf);
      expect(range.root().equals(mth(all.slice(0, i + 1)))).toBe(true);
    });
  });

  it('is joined from the subtrees of a range as it is leaf by leaf, whatever the range and wherever a head is taken', () => {
    fc.assert(
      fc.property(fc.nat(70), fc.nat(70), fc.array(fc.nat(70), { maxLength: 4 }), (start, count, stops) => {
        const all = leaves(start + count);
        const range = new CompactRange();
        for (const leaf of all.slice(0, start)) range.push(leaf);
        const roots = SubtreeRoots.of(Buffer.concat(all.slice(start)), start);
        for (const stop of [
          ...stops.map((s) => start + (s % (count + 1))).sort((a, b) => a - b),
          start + count,
        ]) {
          roots.extend(range, Math.max(stop, range.size));
          expect(range.size).toBe(Math.max(stop, range.size));
          expect(range.root().equals(mth(all.slice(0, range.size)))).toBe(true);
          expect(range.frontier()).toEqual(frontierRanges(range.size).map(([s, e]) => mth(all.slice(s, e))));
        }
        if (count > 0)
          expect(roots.leaf(start + count - 1).equals(all[start + count - 1] as Buffer)).toBe(true);
      }),
    );
  });

  it('refuses a subtree that does not start where its width allows', () => {
    const range = new CompactRange();
    range.push(leafHash('one'));
    expect(() => range.pushSubtree(leafHash('two'), 1)).toThrow(/cannot follow 1/);
  });

  it('proves the inclusion of any entry, and refuses a proof for another entry or root', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1))),
        ([n, m]) => {
          const all = leaves(n);
          const root = rootOf(all);
          const proof = inclusionProof(m, all);
          expect(verifyInclusion(all[m] as Buffer, m, n, proof, root)).toBe(true);
          expect(verifyInclusion(leafHash('forged'), m, n, proof, root)).toBe(false);
          if (n > 1) expect(verifyInclusion(all[m] as Buffer, (m + 1) % n, n, proof, root)).toBe(false);
        },
      ),
    );
  });
});

describe('consistency between two tree heads (RFC 9162 section 2.1.4)', () => {
  const byLeaves = (all: Buffer[]) => (start: number, end: number) => mth(all.slice(start, end));

  it('proves that the tree of m leaves starts the tree of n, asking only for frontier subtrees and new leaves', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 80 })
          .chain((n) => fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.constant(n))),
        ([m, n]) => {
          const all = leaves(n);
          const frontier = new Set(frontierRanges(m).map(([s, e]) => `${s}-${e}`));
          const proof = consistencyProof(m, n, (start, end) => {
            expect(end <= m ? frontier.has(`${start}-${end}`) : start >= m).toBe(true);
            return byLeaves(all)(start, end);
          });
          const [old, now] = [mth(all.slice(0, m)), mth(all)];
          expect(verifyConsistency(m, n, old, now, proof)).toBe(true);
          // Another past (a fork), another present, or a tree that shrank: each refused.
          expect(verifyConsistency(m, n, leafHash('forked'), now, proof)).toBe(false);
          expect(verifyConsistency(m, n, old, leafHash('forked'), proof)).toBe(false);
          expect(verifyConsistency(n, m, now, old, proof)).toBe(false);
        },
      ),
    );
  });

  it('has the frontier of a compact range as its subtrees', () => {
    expect(frontierRanges(6)).toEqual([
      [0, 4],
      [4, 6],
    ]);
    const range = new CompactRange();
    for (const leaf of leaves(13)) range.push(leaf);
    expect(range.frontier()).toEqual(frontierRanges(13).map(([s, e]) => mth(leaves(13).slice(s, e))));
  });
});
