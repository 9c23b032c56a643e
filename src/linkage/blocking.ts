// Which pairs of records are worth comparing. Comparing every pair of a million records is
// half a trillion comparisons; each blocking rule instead pairs up only records that agree on
// a key (the same postcode, a surname that sounds alike and the same birth year, ...). The
// rules are unioned: a pair is kept when any rule pairs it, and is generated only once, by
// the first rule that pairs it, so no set of seen pairs has to be held in memory.
import { BLOCKING_RULES, type BlockingRule, type BlockWindow } from './blocking-rules.ts';
import type { RecordColumns } from './columns.ts';
import { KeyIds } from './key-ids.ts';
import { hashText } from './strings.ts';

export { BLOCKING_RULES, type BlockingRule, type BlockWindow };

/** a key shared by more records than this is too common to block on */
export const DEFAULT_MAX_BLOCK_SIZE = 2000;

export type RuleReport = {
  rule: string;
  /** pairs this rule brought in that no earlier rule had */
  newPairs: number;
  /** all pairs the rule pairs, including those an earlier rule already had */
  pairs: number;
  /** keys shared by more records than `maxBlockSize`, left out of this rule */
  skippedBlocks: number;
  /** blocks paired only within a window of neighbours (`BlockingRule.window`) */
  windowedBlocks: number;
  largestBlock: number;
};

export type CandidatePairs = {
  count: number;
  /** record indexes of each pair, a[k] < b[k] */
  a: Int32Array;
  b: Int32Array;
  /** bit r set when rule r pairs the records */
  rules: Uint16Array;
  report: RuleReport[];
};

export type BlockingOptions = {
  rules?: readonly BlockingRule[];
  /** a key shared by more records than this is too common to block on (default DEFAULT_MAX_BLOCK_SIZE) */
  maxBlockSize?: number;
  /** only pair records from different sets (linking), instead of all pairs (deduplicating) */
  crossSetOnly?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** when given, only pairs with at least one record marked 1 here (the records that changed) */
  focus?: Uint8Array;
  /**
   * the records' ids: in a windowed block, records of one value in the rule's order are put in
   * the order of their ids' hashes instead of the input's, so that a run over some of the
   * records (those changed and their neighbours) windows a block as a run over all does
   */
  recordIds?: readonly string[];
};

/**
 * A list of numbers that grows in place in shared memory (a growable SharedArrayBuffer): the
 * worker threads read it without a copy, and growing it never holds the old and new at once.
 */
class SharedList<T extends Int32Array | Uint16Array> {
  private readonly buffer: SharedArrayBuffer;
  private readonly bytes: number;
  data: T;
  length = 0;
  constructor(make: (buffer: SharedArrayBuffer) => T, bytes: number, maxLength: number) {
    this.bytes = bytes;
    this.buffer = new SharedArrayBuffer(1024 * bytes, { maxByteLength: Math.max(1024, maxLength) * bytes });
    this.data = make(this.buffer);
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const capacity = this.buffer.byteLength / this.bytes;
      const max = this.buffer.maxByteLength / this.bytes;
      if (capacity >= max) throw new Error('too many candidate pairs: use fewer or tighter blocking rules');
      this.buffer.grow(Math.min(max, capacity * 2) * this.bytes);
    }
    this.data[this.length++] = value;
  }
  /** the numbers pushed, in shared memory */
  values(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/** room reserved (address space, not memory) for at most this many candidate pairs */
const MAX_PAIRS = 1 << 30;

/**
 * Every rule's key of every record, record by record (`keys[i * width + r]`): a key id, or
 * -1 when the record has no key for the rule or its block is too big to pair. Pairing a
 * block then reads one short row a record rather than sixteen arrays at random. For a rule
 * with a window, each record's place in its sorted block, when the block is windowed, is in
 * `ranks[i * windowed + windowOf[r]]` (-1 when the block is paired all with all).
 */
type KeyTable = {
  keys: Int32Array;
  width: number;
  keyCounts: number[];
  /** per rule, its column of `ranks`, or -1 for a rule without a window */
  windowOf: Int32Array;
  /** per rule, how many places apart in its sorted block two records may be and still be paired */
  neighbours: Int32Array;
  ranks: Int32Array;
  /** how many rules have a window: the width of a row of `ranks` */
  windowed: number;
};

type BlockCounts = Pick<RuleReport, 'skippedBlocks' | 'windowedBlocks' | 'largestBlock'>;

function keyTableOf(
  columns: RecordColumns,
  rules: readonly BlockingRule[],
  maxBlockSize: number,
  recordIds?: readonly string[],
): { table: KeyTable; blocks: BlockCounts[] } {
  const width = rules.length;
  const keys = new Int32Array(columns.count * width);
  const windowOf = new Int32Array(width).fill(-1);
  const neighbours = new Int32Array(width);
  let windowed = 0;
  rules.forEach((rule, r) => {
    if (!rule.window) return;
    windowOf[r] = windowed++;
    neighbours[r] = rule.window.neighbours;
  });
  const ranks = new Int32Array(columns.count * windowed).fill(-1);
  const table: KeyTable = { keys, width, keyCounts: [], windowOf, neighbours, ranks, windowed };
  const index = new KeyIds(columns.count);
  const sizes = new Int32Array(columns.count);
  const blocks = rules.map((rule, r) => {
    index.clear();
    sizes.fill(0);
    for (let i = 0; i < columns.count; i++) {
      const key = rule.key(columns, i);
      const id = key < 0 ? -1 : index.id(key);
      keys[i * width + r] = id;
      if (id >= 0) sizes[id] = (sizes[id] as number) + 1;
    }
    let skippedBlocks = 0;
    let largestBlock = 0;
    for (let k = 0; k < index.size; k++) {
      const size = sizes[k] as number;
      largestBlock = Math.max(largestBlock, size);
      if (size > maxBlockSize) skippedBlocks++;
    }
    if (skippedBlocks > 0) {
      for (let i = 0; i < columns.count; i++) {
        const id = keys[i * width + r] as number;
        if (id >= 0 && (sizes[id] as number) > maxBlockSize) keys[i * width + r] = -1;
      }
    }
    table.keyCounts.push(index.size);
    const windowedBlocks = rule.window ? rankWindowedBlocks(columns, table, r, rule.window, recordIds) : 0;
    return { skippedBlocks, windowedBlocks, largestBlock };
  });
  return { table, blocks };
}

/** Sorts rule r's blocks of more than `window.above` records and writes each record's place. */
function rankWindowedBlocks(
  columns: RecordColumns,
  table: KeyTable,
  r: number,
  window: BlockWindow,
  recordIds?: readonly string[],
): number {
  const { order, starts } = blocksOf(table, r, columns.count);
  const column = table.windowOf[r] as number;
  let windowedBlocks = 0;
  for (let k = 0; k + 1 < starts.length; k++) {
    const from = starts[k] as number;
    const size = (starts[k + 1] as number) - from;
    if (size <= window.above) continue;
    windowedBlocks++;
    const values = new Float64Array(size);
    const places = Array.from({ length: size }, (_, x) => x);
    const ties = new Float64Array(size);
    for (let x = 0; x < size; x++) {
      const i = order[from + x] as number;
      values[x] = window.order(columns, i);
      if (recordIds) ties[x] = hashText(recordIds[i] as string);
    }
    // records of one value in the order of their ids' hashes (a stable sort: else, the input's)
    places.sort(
      (x, y) => (values[x] as number) - (values[y] as number) || (ties[x] as number) - (ties[y] as number),
    );
    places.forEach((x, place) => {
      table.ranks[(order[from + x] as number) * table.windowed + column] = place;
    });
  }
  return windowedBlocks;
}

/** Rule r's blocks: records in order of key id (and of record within a key), and where each starts. */
function blocksOf(table: KeyTable, r: number, count: number): { order: Int32Array; starts: Int32Array } {
  const { keys, width } = table;
  const keyCount = table.keyCounts[r] as number;
  const starts = new Int32Array(keyCount + 1);
  for (let i = 0; i < count; i++) {
    const k = keys[i * width + r] as number;
    if (k >= 0) starts[k + 1] = (starts[k + 1] as number) + 1;
  }
  for (let k = 0; k < keyCount; k++) starts[k + 1] = (starts[k + 1] as number) + (starts[k] as number);
  const fill = starts.slice(0, keyCount);
  const order = new Int32Array(starts[keyCount] as number);
  for (let i = 0; i < count; i++) {
    const k = keys[i * width + r] as number;
    if (k < 0) continue;
    const at = fill[k] as number;
    order[at] = i;
    fill[k] = at + 1;
  }
  return { order, starts };
}

/** Pairs records that agree on any blocking rule's key, each pair once. */
export function candidatePairs(columns: RecordColumns, options: BlockingOptions = {}): CandidatePairs {
  const rules = options.rules ?? BLOCKING_RULES;
  if (rules.length > 16) throw new Error('at most sixteen blocking rules');
  const maxBlockSize = options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE;
  options.onProgress?.(0, rules.length);
  // every rule's keys first, so that a pair's rules are known as it is made
  const { table, blocks } = keyTableOf(columns, rules, maxBlockSize, options.recordIds);
  // a few records cannot make more pairs than all of theirs
  const maxPairs = Math.min(MAX_PAIRS, (columns.count * (columns.count - 1)) / 2);
  const pairs = {
    a: new SharedList((buffer) => new Int32Array(buffer), 4, maxPairs),
    b: new SharedList((buffer) => new Int32Array(buffer), 4, maxPairs),
    masks: new SharedList((buffer) => new Uint16Array(buffer), 2, maxPairs),
  };
  const report: RuleReport[] = [];
  const block = new BlockKeys(table);
  for (let r = 0; r < rules.length; r++) {
    const { order, starts } = blocksOf(table, r, columns.count);
    const tally = { newPairs: 0, all: 0 };
    for (let k = 0; k + 1 < starts.length; k++) {
      const from = starts[k] as number;
      const to = starts[k + 1] as number;
      if (to - from < 2) continue;
      block.load(order, from, to, r);
      pairBlock(block, r, columns.set, options, tally, pairs);
    }
    const rule = (rules[r] as BlockingRule).name;
    report.push({ rule, newPairs: tally.newPairs, pairs: tally.all, ...(blocks[r] as BlockCounts) });
    options.onProgress?.(r + 1, rules.length);
  }
  const { a, b, masks } = pairs;
  return { count: a.length, a: a.values(), b: b.values(), rules: masks.values(), report };
}

/**
 * Whether rule r pairs records i and j (they share its key, in a block not too big, and within
 * its window when the block is windowed): for measuring what each rule finds, not for blocking.
 */
export function pairsByRule(
  columns: RecordColumns,
  rules: readonly BlockingRule[] = BLOCKING_RULES,
  maxBlockSize = DEFAULT_MAX_BLOCK_SIZE,
  recordIds?: readonly string[],
): (r: number, i: number, j: number) => boolean {
  const { keys, width, windowOf, ranks, windowed, neighbours } = keyTableOf(
    columns,
    rules,
    maxBlockSize,
    recordIds,
  ).table;
  return (r, i, j) => {
    const key = keys[i * width + r] as number;
    if (key < 0 || key !== keys[j * width + r]) return false;
    const column = windowOf[r] as number;
    if (column < 0) return true;
    const place = ranks[i * windowed + column] as number;
    return (
      place < 0 || Math.abs(place - (ranks[j * windowed + column] as number)) <= (neighbours[r] as number)
    );
  };
}

/** The records of one block with every rule's key (and place in a windowed block) of each, side by side. */
class BlockKeys {
  private readonly table: KeyTable;
  readonly width: number;
  records = new Int32Array(64);
  keys: Int32Array;
  ranks: Int32Array;
  size = 0;
  /** how many places apart two records of this block may be and be paired by its rule */
  reach = 0;
  constructor(table: KeyTable) {
    this.table = table;
    this.width = table.width;
    this.keys = new Int32Array(64 * table.width);
    this.ranks = new Int32Array(64 * table.windowed);
  }
  /** the block of rule r at `order[from .. to]`, in its sorted order when the block is windowed */
  load(order: Int32Array, from: number, to: number, r: number): void {
    const size = to - from;
    const { width, table } = this;
    const windowed = table.windowed;
    if (this.records.length < size) {
      this.records = new Int32Array(size * 2);
      this.keys = new Int32Array(size * 2 * width);
      this.ranks = new Int32Array(size * 2 * windowed);
    }
    const column = table.windowOf[r] as number;
    const sorted = column >= 0 && (table.ranks[(order[from] as number) * windowed + column] as number) >= 0;
    this.reach = sorted ? (table.neighbours[r] as number) : size;
    const all = table.keys;
    for (let n = 0; n < size; n++) {
      const record = order[from + n] as number;
      const x = sorted ? (table.ranks[record * windowed + column] as number) : n;
      this.records[x] = record;
      for (let q = 0; q < width; q++) {
        const key = all[record * width + q] as number;
        // no key (or a block too big to pair): a number no other record of the block has
        this.keys[x * width + q] = key >= 0 ? key : -1 - x;
      }
      for (let c = 0; c < windowed; c++)
        this.ranks[x * windowed + c] = table.ranks[record * windowed + c] as number;
    }
    this.size = size;
  }
  /** whether rule q pairs the records at x and y of this block (given that they share its key) */
  near(q: number, x: number, y: number): boolean {
    const column = this.table.windowOf[q] as number;
    if (column < 0) return true;
    const windowed = this.table.windowed;
    const rx = this.ranks[x * windowed + column] as number;
    return (
      rx < 0 ||
      Math.abs(rx - (this.ranks[y * windowed + column] as number)) <= (this.table.neighbours[q] as number)
    );
  }
}

/** The new pairs of one block of rule r: those no earlier rule pairs, with every rule that pairs them. */
function pairBlock(
  block: BlockKeys,
  r: number,
  set: Uint8Array,
  options: BlockingOptions,
  tally: { newPairs: number; all: number },
  pairs: { a: SharedList<Int32Array>; b: SharedList<Int32Array>; masks: SharedList<Uint16Array> },
): void {
  const { records, keys, size, width, reach } = block;
  const crossSetOnly = options.crossSetOnly ?? false;
  const focus = options.focus;
  for (let x = 0; x < size; x++) {
    const ox = records[x] as number;
    const kx = x * width;
    const last = Math.min(size - 1, x + reach);
    for (let y = x + 1; y <= last; y++) {
      const oy = records[y] as number;
      if (crossSetOnly && set[ox] === set[oy]) continue;
      if (focus && focus[ox] === 0 && focus[oy] === 0) continue;
      tally.all++;
      const ky = y * width;
      let earlier = false;
      for (let q = 0; q < r && !earlier; q++) earlier = keys[kx + q] === keys[ky + q] && block.near(q, x, y);
      if (earlier) continue;
      let mask = 1 << r;
      for (let q = r + 1; q < width; q++)
        if (keys[kx + q] === keys[ky + q] && block.near(q, x, y)) mask |= 1 << q;
      tally.newPairs++;
      pairs.a.push(Math.min(ox, oy));
      pairs.b.push(Math.max(ox, oy));
      pairs.masks.push(mask);
    }
  }
}

/**
 * Which records share a blocking key with which, kept between runs: rule r's key of record i
 * folded with r into one non-zero 32-bit number (0 when the record has no key for the rule),
 * `rules.length` numbers a record. Two records with an equal stored key may share the rule's
 * key (or collide): the records sharing a key with a changed record are among those sharing a
 * stored key with it, which is all a run over what changed needs to find.
 */
export function storedKeys(
  columns: RecordColumns,
  rules: readonly BlockingRule[] = BLOCKING_RULES,
): Int32Array {
  const width = rules.length;
  const stored = new Int32Array(columns.count * width);
  for (let r = 0; r < width; r++) {
    const rule = rules[r] as BlockingRule;
    for (let i = 0; i < columns.count; i++) {
      const key = rule.key(columns, i);
      if (key < 0) continue;
      let h = Math.imul((key >>> 0) ^ Math.imul(r + 1, 0x27d4eb2f), 0x85ebca6b);
      h ^= Math.imul((key / 4294967296) >>> 0, 0x9e3779b1);
      h ^= h >>> 15;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 13;
      stored[i * width + r] = h === 0 ? 1 : h;
    }
  }
  return stored;
}

/** Names the blocking rules whose keys are stored: keys stored under another name are not this engine's. */
export const STORED_KEYS_VERSION = `1-${hashText(BLOCKING_RULES.map((rule) => rule.name).join('|')).toString(16)}`;
