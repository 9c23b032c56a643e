// Which pairs of records are worth comparing. Comparing every pair of a million records is
// half a trillion comparisons; each blocking rule instead pairs up only records that agree on
// a key (the same postcode, a surname that sounds alike and the same birth year, ...). The
// rules are unioned: a pair is kept when any rule pairs it, and is generated only once, by
// the first rule that pairs it, so no set of seen pairs has to be held in memory.
import type { RecordColumns } from './columns.ts';
import { KeyIds } from './key-ids.ts';
import { hashText } from './strings.ts';

export type BlockingRule = {
  name: string;
  /** comparisons the rule forces to agree; they are left out when training on its pairs */
  comparisons: readonly string[];
  /**
   * whether m is learnt from this rule's pairs. Not from rules on where people live, their
   * phone or their email: the people paired there who are not the same person are mostly
   * their households, who share address, surname, phone and often an email, and EM would
   * learn "same household" instead. Nor from rules that pair on a birth year only: in a
   * large population most of their pairs are namesakes born the same year, and EM takes the
   * namesakes for matches (at a million records it learnt that two in five matches differ
   * in their NHS number).
   */
  train: boolean;
  /**
   * the blocking key of record i as a number, or -1 when it has none. Records with equal keys
   * are paired; a key may be a hash, since a collision only adds pairs that comparison rejects.
   */
  key(columns: RecordColumns, i: number): number;
};

const NONE = -1;

/** a key shared by more records than this is too common to block on */
export const DEFAULT_MAX_BLOCK_SIZE = 2000;

/** 1–26 for the first letter of the formal name behind a first name (Bill and William: W), 0 for none */
function formalInitial(columns: RecordColumns, i: number): number {
  const id = columns.text.firstName.ids[i] as number;
  if (id < 0) return 0;
  const formal = columns.formalNames[columns.formalName[2 * id] as number] ?? '';
  return Math.max(0, formal.charCodeAt(0) - 96);
}

/** 1–26 for the first letter of a text field, 0 for none */
function initial(columns: RecordColumns, field: 'firstName' | 'lastName', i: number): number {
  const column = columns.text[field];
  const id = column.ids[i] as number;
  return id < 0 ? 0 : Math.max(0, (column.values[id] as string).charCodeAt(0) - 96);
}

function lastNameSound(columns: RecordColumns, i: number): number {
  const id = columns.text.lastName.ids[i] as number;
  return id < 0 ? NONE : (columns.lastNameSound[id] as number);
}

function firstNameSound(columns: RecordColumns, i: number): number {
  const id = columns.text.firstName.ids[i] as number;
  return id < 0 ? NONE : (columns.firstNameSound[id] as number);
}

/** the last three letters of a name (all of a shorter one) as a number below 27^3, -1 for none */
function nameEnding(columns: RecordColumns, field: 'firstName' | 'lastName', i: number): number {
  const column = columns.text[field];
  const id = column.ids[i] as number;
  if (id < 0) return NONE;
  const value = column.values[id] as string;
  let code = 0;
  for (let at = Math.max(0, value.length - 3); at < value.length; at++) {
    code = code * 27 + Math.min(26, Math.max(0, value.charCodeAt(at) - 96));
  }
  return code;
}

/** a value's hash (the same in every run, unlike its id), from 0 to 2^32 - 1 */
function valueHash(hashes: Int32Array, id: number): number {
  return (hashes[id] as number) >>> 0;
}

function hashedText(columns: RecordColumns, field: keyof RecordColumns['text'], i: number): number {
  const column = columns.text[field];
  const id = column.ids[i] as number;
  return id < 0 ? NONE : hashText(column.values[id] as string);
}

export const BLOCKING_RULES: readonly BlockingRule[] = [
  {
    name: 'postcode + first initial',
    comparisons: ['address and postcode', 'town', 'first name'],
    train: false,
    key(columns, i) {
      const postcode = columns.text.postcode.ids[i] as number;
      const first = formalInitial(columns, i);
      return postcode < 0 || first === 0 ? NONE : valueHash(columns.postcodeHash, postcode) * 32 + first;
    },
  },
  {
    name: 'address line + first initial',
    comparisons: ['address and postcode', 'first name'],
    train: false,
    key(columns, i) {
      const address = columns.text.addressLine.ids[i] as number;
      const first = formalInitial(columns, i);
      return address < 0 || first === 0 ? NONE : valueHash(columns.addressHash, address) * 32 + first;
    },
  },
  {
    name: 'last name sounds like + first initial + year of birth',
    comparisons: ['last name', 'date of birth'],
    train: false,
    key(columns, i) {
      const sound = lastNameSound(columns, i);
      const first = formalInitial(columns, i);
      const dob = columns.dateOfBirth[i] as number;
      if (sound < 0 || first === 0 || dob === 0) return NONE;
      return (sound * 32 + first) * 256 + (Math.floor(dob / 10000) % 256);
    },
  },
  {
    name: 'date of birth + initials',
    comparisons: ['date of birth'],
    train: true,
    key(columns, i) {
      if (columns.dateOfBirth[i] === 0) return NONE;
      // the two initials in order, so that swapped first and last names still meet
      const first = initial(columns, 'firstName', i);
      const last = initial(columns, 'lastName', i);
      if (first === 0 && last === 0) return NONE;
      const day = (columns.dayNumber[i] as number) + 100_000;
      return day * 1024 + Math.min(first, last) * 32 + Math.max(first, last);
    },
  },
  {
    name: 'date of birth + last name sounds like',
    comparisons: ['date of birth', 'last name'],
    train: true,
    key(columns, i) {
      const sound = lastNameSound(columns, i);
      if (columns.dateOfBirth[i] === 0 || sound < 0) return NONE;
      return ((columns.dayNumber[i] as number) + 100_000) * 32_000 + sound;
    },
  },
  {
    // the same house, whatever became of the names or of the street's spelling
    name: 'postcode + house number',
    comparisons: ['address and postcode', 'town'],
    train: false,
    key(columns, i) {
      const postcode = columns.text.postcode.ids[i] as number;
      const address = columns.text.addressLine.ids[i] as number;
      const house = address < 0 ? NONE : (columns.houseNumber[address] as number);
      return postcode < 0 || house < 0 || house >= 100_000
        ? NONE
        : valueHash(columns.postcodeHash, postcode) * 100_000 + house;
    },
  },
  {
    name: 'date of birth + first name sounds like',
    comparisons: ['date of birth', 'first name'],
    train: true,
    key(columns, i) {
      const sound = firstNameSound(columns, i);
      if (columns.dateOfBirth[i] === 0 || sound < 0) return NONE;
      return ((columns.dayNumber[i] as number) + 100_000) * 32_000 + sound;
    },
  },
  {
    // first and last names swapped, with the date of birth mistyped as well
    name: 'first and last name sound like, in either order, + year of birth',
    comparisons: ['first name', 'last name', 'date of birth'],
    train: false,
    key(columns, i) {
      const first = firstNameSound(columns, i);
      const last = lastNameSound(columns, i);
      const dob = columns.dateOfBirth[i] as number;
      if (first < 0 || last < 0 || dob === 0) return NONE;
      const names = Math.min(first, last) * 32_000 + Math.max(first, last);
      return names * 256 + (Math.floor(dob / 10000) % 256);
    },
  },
  {
    // typos in the first letters of both names, which every rule on sounds or initials misses
    name: 'date of birth + end of last name',
    comparisons: ['date of birth'],
    train: false,
    key(columns, i) {
      const ending = nameEnding(columns, 'lastName', i);
      if (columns.dateOfBirth[i] === 0 || ending < 0) return NONE;
      return ((columns.dayNumber[i] as number) + 100_000) * 32_768 + ending;
    },
  },
  {
    name: 'date of birth + end of first name',
    comparisons: ['date of birth'],
    train: false,
    key(columns, i) {
      const ending = nameEnding(columns, 'firstName', i);
      if (columns.dateOfBirth[i] === 0 || ending < 0) return NONE;
      return ((columns.dayNumber[i] as number) + 100_000) * 32_768 + ending;
    },
  },
  {
    // a first name mistyped in its first letter, or cut to another initial, with the day wrong
    name: 'last name sounds like + year and month of birth',
    comparisons: ['last name'],
    train: false,
    key(columns, i) {
      const sound = lastNameSound(columns, i);
      const dob = columns.dateOfBirth[i] as number;
      if (sound < 0 || dob === 0) return NONE;
      return sound * 4096 + (Math.floor(dob / 10000) % 256) * 13 + (Math.floor(dob / 100) % 100);
    },
  },
  {
    name: 'NHS number',
    comparisons: ['NHS number'],
    train: true,
    key: (c, i) => hashedText(c, 'nhsNumber', i),
  },
  {
    name: 'National Insurance number',
    comparisons: ['National Insurance number'],
    train: true,
    key: (c, i) => hashedText(c, 'nationalInsuranceNumber', i),
  },
  { name: 'phone', comparisons: ['phone'], train: false, key: (c, i) => hashedText(c, 'phone', i) },
  { name: 'email', comparisons: ['email'], train: false, key: (c, i) => hashedText(c, 'email', i) },
];

export type RuleReport = {
  rule: string;
  /** pairs this rule brought in that no earlier rule had */
  newPairs: number;
  /** all pairs the rule pairs, including those an earlier rule already had */
  pairs: number;
  /** keys shared by more records than `maxBlockSize`, left out of this rule */
  skippedBlocks: number;
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
 * block then reads one short row a record rather than sixteen arrays at random.
 */
type KeyTable = { keys: Int32Array; width: number; keyCounts: number[] };

function keyTableOf(
  columns: RecordColumns,
  rules: readonly BlockingRule[],
  maxBlockSize: number,
): { table: KeyTable; blocks: Pick<RuleReport, 'skippedBlocks' | 'largestBlock'>[] } {
  const width = rules.length;
  const keys = new Int32Array(columns.count * width);
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
    return { skippedBlocks, largestBlock, keyCount: index.size };
  });
  const keyCounts = blocks.map((b) => b.keyCount);
  return { table: { keys, width, keyCounts }, blocks };
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
  const { table, blocks } = keyTableOf(columns, rules, maxBlockSize);
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
      block.load(order, from, to);
      pairBlock(block, r, columns.set, options, tally, pairs);
    }
    const rule = (rules[r] as BlockingRule).name;
    const { skippedBlocks, largestBlock } = blocks[r] as (typeof blocks)[number];
    report.push({ rule, newPairs: tally.newPairs, pairs: tally.all, skippedBlocks, largestBlock });
    options.onProgress?.(r + 1, rules.length);
  }
  const { a, b, masks } = pairs;
  return { count: a.length, a: a.values(), b: b.values(), rules: masks.values(), report };
}

/** The records of one block with every rule's key of each, side by side. */
class BlockKeys {
  private readonly table: KeyTable;
  readonly width: number;
  records = new Int32Array(64);
  keys: Int32Array;
  size = 0;
  constructor(table: KeyTable) {
    this.table = table;
    this.width = table.width;
    this.keys = new Int32Array(64 * table.width);
  }
  load(order: Int32Array, from: number, to: number): void {
    const size = to - from;
    const width = this.width;
    if (this.records.length < size) {
      this.records = new Int32Array(size * 2);
      this.keys = new Int32Array(size * 2 * width);
    }
    const all = this.table.keys;
    for (let x = 0; x < size; x++) {
      const record = order[from + x] as number;
      this.records[x] = record;
      for (let q = 0; q < width; q++) {
        const key = all[record * width + q] as number;
        // no key (or a block too big to pair): a number no other record of the block has
        this.keys[x * width + q] = key >= 0 ? key : -1 - x;
      }
    }
    this.size = size;
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
  const { records, keys, size, width } = block;
  const crossSetOnly = options.crossSetOnly ?? false;
  const focus = options.focus;
  for (let x = 0; x < size; x++) {
    const ox = records[x] as number;
    const kx = x * width;
    for (let y = x + 1; y < size; y++) {
      const oy = records[y] as number;
      if (crossSetOnly && set[ox] === set[oy]) continue;
      if (focus && focus[ox] === 0 && focus[oy] === 0) continue;
      tally.all++;
      const ky = y * width;
      let earlier = false;
      for (let q = 0; q < r && !earlier; q++) earlier = keys[kx + q] === keys[ky + q];
      if (earlier) continue;
      let mask = 1 << r;
      for (let q = r + 1; q < width; q++) if (keys[kx + q] === keys[ky + q]) mask |= 1 << q;
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
