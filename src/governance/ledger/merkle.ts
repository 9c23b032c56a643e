// The RFC 9162 (Certificate Transparency v2) Merkle tree over ledger entries: pure functions.
import { createHash, hash } from 'node:crypto';

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

// One-shot hashing: several times faster than createHash() for inputs this small. Its digest as
// a string, made into a Buffer here, costs a third of asking for a Buffer (Node 24).
const sha256 = (data: Buffer): Buffer => Buffer.from(hash('sha256', data, 'base64'), 'base64');

// For 32 bytes, a loop the compiler keeps inline costs less than a call of Buffer's (copy, write,
// toString, compare): audit verify makes three digests an entry and moves each of them so.
/** Copies the 32 bytes at `at` to `into`. */
export function copy32(from: Uint8Array, at: number, to: Uint8Array, into: number): void {
  for (let i = 0; i < 32; i++) to[into + i] = from[at + i] as number;
}

/** Writes a digest asked for as latin1 text (a character a byte) into `to` at `into`. */
export function putDigest(digest: string, to: Uint8Array, into: number): void {
  for (let i = 0; i < 32; i++) to[into + i] = digest.charCodeAt(i);
}

/** Whether a digest asked for as latin1 text is the `length` bytes at `at`. */
export function isDigest(digest: string, bytes: Uint8Array, at: number, length: number): boolean {
  if (length !== 32 || digest.length !== 32) return false;
  for (let i = 0; i < 32; i++) if (digest.charCodeAt(i) !== bytes[at + i]) return false;
  return true;
}

export const leafHash = (data: Buffer | string): Buffer =>
  sha256(Buffer.concat([LEAF, typeof data === 'string' ? Buffer.from(data) : data]));
// The node prefix and the two children, written into one buffer kept for it (hashing is synchronous).
const pair = Buffer.alloc(65, NODE);
export const nodeHash = (left: Buffer, right: Buffer): Buffer => {
  if (left.length !== 32 || right.length !== 32) return sha256(Buffer.concat([NODE, left, right]));
  left.copy(pair, 1);
  right.copy(pair, 33);
  return sha256(pair);
};

/** Largest power of two strictly below n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

/** MTH(D[n]) over leaf hashes. */
export function rootOf(leaves: Buffer[]): Buffer {
  const range = new CompactRange();
  for (const leaf of leaves) range.push(leaf);
  return range.root();
}

/**
 * The roots of the perfect subtrees covering the leaves so far, left to right: enough to give
 * the tree head after every leaf without keeping the leaves (used by `audit verify`).
 */
export class CompactRange {
  size = 0;
  private stack: Buffer[] = [];

  /** Resumes from a saved frontier (the subtree roots of a checkpoint of `size` leaves). */
  static from(size: number, frontier: Buffer[]): CompactRange {
    const range = new CompactRange();
    range.size = size;
    range.stack = [...frontier];
    return range;
  }

  frontier(): Buffer[] {
    return [...this.stack];
  }

  push(leaf: Buffer): void {
    this.pushSubtree(leaf, 0);
  }

  /** Adds 2^level leaves at once by the root of their subtree: the leaves so far must be a multiple of them. */
  pushSubtree(root: Buffer, level: number): void {
    const width = 2 ** level;
    if (this.size % width !== 0) throw new Error(`a subtree of ${width} leaves cannot follow ${this.size}`);
    let hash = root;
    for (let n = this.size / width; n % 2 === 1; n = (n - 1) / 2)
      hash = nodeHash(this.stack.pop() as Buffer, hash);
    this.stack.push(hash);
    this.size += width;
  }

  root(): Buffer {
    if (this.size === 0) return createHash('sha256').digest();
    let hash = this.stack[this.stack.length - 1] as Buffer;
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i] as Buffer, hash);
    return hash;
  }
}

/**
 * The roots of every perfect subtree of the whole tree that lies within leaves [start, start +
 * count), level by level (level 0: the leaves themselves), made from those leaves alone. A worker
 * of `audit verify` makes them for the range it checks, so that the tree is joined from a few
 * subtrees a range instead of leaf by leaf, checkpoints falling where they may.
 */
export class SubtreeRoots {
  /** Where each level's roots begin in `hashes`, in roots; and the number of the first root of each. */
  private readonly offsets: number[];
  private readonly firsts: number[];
  readonly start: number;
  readonly count: number;
  readonly hashes: Buffer;

  private constructor(start: number, count: number, hashes: Buffer) {
    this.start = start;
    this.count = count;
    this.hashes = hashes;
    const layout = SubtreeRoots.layout(start, count);
    this.offsets = layout.offsets;
    this.firsts = layout.firsts;
  }

  private static layout(start: number, count: number) {
    const offsets: number[] = [];
    const firsts: number[] = [];
    let total = 0;
    for (let width = 1; ; width *= 2) {
      const first = Math.ceil(start / width);
      const roots = Math.floor((start + count) / width) - first;
      if (roots <= 0 && width > 1) break;
      offsets.push(total);
      firsts.push(first);
      total += Math.max(roots, 0);
    }
    return { offsets, firsts, total };
  }

  /** Makes every level above the leaves, given as 32 bytes each in one buffer. */
  static of(leaves: Buffer, start: number): SubtreeRoots {
    const hashes = SubtreeRoots.room(start, leaves.length / 32);
    leaves.copy(hashes);
    return SubtreeRoots.over(hashes, start, leaves.length / 32);
  }

  /** A buffer for the roots of `count` leaves from `start`: the leaves go first, 32 bytes each. */
  static room(start: number, count: number): Buffer {
    return Buffer.allocUnsafe(32 * SubtreeRoots.layout(start, count).total);
  }

  /** Makes every level above the leaves already in `hashes` (from `room`), in place. */
  static over(hashes: Buffer, start: number, count: number): SubtreeRoots {
    const { offsets, firsts, total } = SubtreeRoots.layout(start, count);
    if (hashes.length !== 32 * total) throw new Error('subtree roots of the wrong size');
    for (let level = 1; level < offsets.length; level++) {
      const below = (offsets[level - 1] as number) - (firsts[level - 1] as number);
      const end = (offsets[level + 1] ?? total) - (offsets[level] as number);
      for (let i = 0; i < end; i++) {
        // The two children of root i are next to each other on the level below.
        const left = 32 * (below + 2 * ((firsts[level] as number) + i));
        copy32(hashes, left, pair, 1);
        copy32(hashes, left + 32, pair, 33);
        putDigest(hash('sha256', pair, 'latin1'), hashes, 32 * ((offsets[level] as number) + i));
      }
    }
    return new SubtreeRoots(start, count, hashes);
  }

  /** Wraps roots made elsewhere (by `of`, sent from a worker). */
  static from(hashes: Buffer, start: number, count: number): SubtreeRoots {
    if (hashes.length !== 32 * SubtreeRoots.layout(start, count).total)
      throw new Error('subtree roots of the wrong size');
    return new SubtreeRoots(start, count, hashes);
  }

  /** The root of the 2^level leaves from leaf `from`, a multiple of 2^level within the range. */
  root(level: number, from: number): Buffer {
    const i = (this.offsets[level] as number) + from / 2 ** level - (this.firsts[level] as number);
    return Buffer.from(this.hashes.subarray(32 * i, 32 * i + 32));
  }

  /** The leaf numbered `index` in the whole tree (from 0), one of the range's. */
  leaf(index: number): Buffer {
    return this.root(0, index);
  }

  /** Adds the leaves from the range's size up to `upTo` (within these) a subtree at a time, largest first. */
  extend(range: CompactRange, upTo: number): void {
    if (range.size < this.start || upTo > this.start + this.count)
      throw new Error('the leaves asked for are not all within these subtrees');
    while (range.size < upTo) {
      let level = 0;
      while (range.size % 2 ** (level + 1) === 0 && range.size + 2 ** (level + 1) <= upTo) level++;
      range.pushSubtree(this.root(level, range.size), level);
    }
  }
}

/** PATH(m, D[n]): the audit path proving leaf m is in the tree of these leaves. */
export function inclusionProof(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  if (m < k) return [...inclusionProof(m, leaves.slice(0, k)), rootOf(leaves.slice(k))];
  return [...inclusionProof(m - k, leaves.slice(k)), rootOf(leaves.slice(0, k))];
}

/** Checks an audit path (RFC 9162 section 2.1.3.2). */
export function verifyInclusion(
  leaf: Buffer,
  index: number,
  treeSize: number,
  proof: Buffer[],
  root: Buffer,
): boolean {
  if (index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn & 1 || fn === sn) {
      r = nodeHash(p, r);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && r.equals(root);
}

/**
 * PROOF(m, D[n]) of RFC 9162 section 2.1.4.1: the subtree roots that show the tree of the first
 * m leaves is the start of the tree of n. `root(start, end)` gives the root of the leaves
 * start..end-1; every range asked for lies wholly before m (each one of the compact range's
 * subtrees at m) or wholly from m on, so the log needs its frontier at m and the new leaves only.
 */
export function consistencyProof(
  m: number,
  n: number,
  root: (start: number, end: number) => Buffer,
): Buffer[] {
  if (m <= 0 || m >= n) return [];
  // SUBPROOF(m, D[start:start+size], b).
  const sub = (m: number, start: number, size: number, whole: boolean): Buffer[] => {
    if (m === size) return whole ? [] : [root(start, start + size)];
    const k = split(size);
    if (m <= k) return [...sub(m, start, k, whole), root(start + k, start + size)];
    return [...sub(m - k, start + k, size - k, false), root(start, start + k)];
  };
  return sub(m, 0, n, true);
}

/** The subtrees of a compact range of `size` leaves, left to right: [start, end) of each. */
export function frontierRanges(size: number): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  for (let bit = 2 ** Math.floor(Math.log2(Math.max(size, 1))); bit >= 1; bit /= 2) {
    if (size & bit) {
      ranges.push([start, start + bit]);
      start += bit;
    }
  }
  return ranges;
}

/** Checks a consistency proof between two tree heads (RFC 9162 section 2.1.4.2). */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Buffer,
  secondRoot: Buffer,
  proof: Buffer[],
): boolean {
  if (first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0;
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  let fr = path[0] as Buffer;
  let sr = path[0] as Buffer;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn & 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!(fn & 1) && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}
