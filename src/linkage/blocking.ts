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

class GrowingInt32 {
  data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
}

type RuleKeys = {
  /** key id per record, -1 none */
  keys: Int32Array;
  /** per key id: 1 when the block is too big and left out */
  skipped: Uint8Array;
  /** records sorted by key id, and where each key's block starts in that order */
  order: Int32Array;
  starts: Int32Array;
};

function keysOf(
  columns: RecordColumns,
  rule: BlockingRule,
  maxBlockSize: number,
  index: KeyIds,
  sizes: Int32Array,
): RuleKeys {
  index.clear();
  sizes.fill(0);
  const keys = new Int32Array(columns.count);
  for (let i = 0; i < columns.count; i++) {
    const key = rule.key(columns, i);
    if (key < 0) {
      keys[i] = -1;
      continue;
    }
    const id = index.id(key);
    keys[i] = id;
    sizes[id] = (sizes[id] as number) + 1;
  }
  const keyCount = index.size;
  const starts = new Int32Array(keyCount + 1);
  const skipped = new Uint8Array(keyCount);
  for (let k = 0; k < keyCount; k++) {
    const size = sizes[k] as number;
    starts[k + 1] = (starts[k] as number) + size;
    if (size > maxBlockSize) skipped[k] = 1;
  }
  const fill = starts.slice(0, keyCount);
  const order = new Int32Array(starts[keyCount] as number);
  for (let i = 0; i < columns.count; i++) {
    const k = keys[i] as number;
    if (k < 0) continue;
    const at = fill[k] as number;
    order[at] = i;
    fill[k] = at + 1;
  }
  return { keys, skipped, order, starts };
}

/** Pairs records that agree on any blocking rule's key, each pair once. */
export function candidatePairs(columns: RecordColumns, options: BlockingOptions = {}): CandidatePairs {
  const rules = options.rules ?? BLOCKING_RULES;
  if (rules.length > 16) throw new Error('at most sixteen blocking rules');
  const maxBlockSize = options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE;
  const crossSetOnly = options.crossSetOnly ?? false;
  const focus = options.focus;
  const set = columns.set;
  const ruleKeys: RuleKeys[] = [];
  const pa = new GrowingInt32();
  const pb = new GrowingInt32();
  const report: RuleReport[] = [];
  const index = new KeyIds(columns.count);
  const sizes = new Int32Array(columns.count);

  // whether rule q pairs i and j (a skipped block pairs nothing)
  const pairs = (q: number, i: number, j: number) => {
    const { keys, skipped } = ruleKeys[q] as RuleKeys;
    const k = keys[i] as number;
    return k >= 0 && k === keys[j] && skipped[k] === 0;
  };

  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r] as BlockingRule;
    const current = keysOf(columns, rule, maxBlockSize, index, sizes);
    ruleKeys.push(current);
    const { order, starts, skipped } = current;
    let newPairs = 0;
    let all = 0;
    let skippedBlocks = 0;
    let largestBlock = 0;
    for (let k = 0; k < skipped.length; k++) {
      const from = starts[k] as number;
      const to = starts[k + 1] as number;
      largestBlock = Math.max(largestBlock, to - from);
      if (skipped[k] === 1) {
        skippedBlocks++;
        continue;
      }
      for (let x = from; x < to; x++) {
        const ox = order[x] as number;
        for (let y = x + 1; y < to; y++) {
          const oy = order[y] as number;
          if (crossSetOnly && set[ox] === set[oy]) continue;
          if (focus && focus[ox] === 0 && focus[oy] === 0) continue;
          all++;
          let earlier = false;
          for (let q = 0; q < r && !earlier; q++) earlier = pairs(q, ox, oy);
          if (earlier) continue;
          newPairs++;
          pa.push(Math.min(ox, oy));
          pb.push(Math.max(ox, oy));
        }
      }
    }
    report.push({ rule: rule.name, newPairs, pairs: all, skippedBlocks, largestBlock });
    options.onProgress?.(r + 1, rules.length);
  }
  const count = pa.length;
  const a = new Int32Array(new SharedArrayBuffer(Math.max(4, count * 4)));
  const b = new Int32Array(new SharedArrayBuffer(Math.max(4, count * 4)));
  a.set(pa.data.subarray(0, count));
  b.set(pb.data.subarray(0, count));
  const ruleMasks = new Uint16Array(count);
  for (let p = 0; p < count; p++) {
    const i = a[p] as number;
    const j = b[p] as number;
    let mask = 0;
    for (let q = 0; q < rules.length; q++) if (pairs(q, i, j)) mask |= 1 << q;
    ruleMasks[p] = mask;
  }
  return { count, a, b, rules: ruleMasks, report };
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
