// Records held column by column: each text field as one integer per record pointing into a
// table of its distinct values. Equality is then an integer comparison, the columns live in
// shared memory that worker threads read without copying, and memory grows with the number
// of records and of distinct values rather than with objects per record.
import { formalNames, formalNamesOf } from './nicknames.ts';
import {
  type LinkageRecord,
  type NormalisationIssue,
  type NormalisedField,
  type NormalisedRecord,
  normaliseRecord,
} from './normalise.ts';
import { hashText, soundexNumber } from './strings.ts';

export const TEXT_FIELDS = [
  'firstName',
  'middleName',
  'lastName',
  'addressLine',
  'town',
  'postcode',
  'nhsNumber',
  'nationalInsuranceNumber',
  'phone',
  'email',
] as const satisfies readonly NormalisedField[];

export type TextField = (typeof TEXT_FIELDS)[number];

/**
 * Fields nearly every record has its own value of: their values are kept one per record
 * (looking each up in a table of distinct values would cost more than it saves), so equal
 * values may have different ids and are compared as text.
 */
export const UNIQUE_FIELDS: ReadonlySet<TextField> = new Set([
  'nhsNumber',
  'nationalInsuranceNumber',
  'phone',
  'email',
]);

export type TextColumn = {
  /** value id per record, -1 when missing; equal ids mean equal values (the converse only when not in UNIQUE_FIELDS) */
  ids: Int32Array;
  /** distinct values, indexed by id */
  values: string[];
  /** how many records hold each value */
  counts: Int32Array;
  /**
   * per value, a letter bag to rule out fuzzy matches cheaply: bit c of `letterMask` set when
   * letter c occurs, `letterCounts[v * 27 + c]` how often (27th: characters that are not a–z)
   */
  letterMask: Int32Array;
  letterCounts: Uint8Array;
};

export type RecordColumns = {
  count: number;
  text: Record<TextField, TextColumn>;
  /** YYYYMMDD as a number, 0 when missing */
  dateOfBirth: Int32Array;
  /** days since 1970-01-01 for the same date (only meaningful when dateOfBirth is set) */
  dayNumber: Int32Array;
  /** 0 missing, 1 female, 2 male */
  sex: Uint8Array;
  /** which input set a record came from (0 or 1); all 0 when deduplicating */
  set: Uint8Array;
  /** per first-name value id: up to two formal-name ids (-1 for none), for nickname matching */
  formalName: Int32Array;
  /** distinct formal names, indexed by id */
  formalNames: string[];
  /** per first-name value id: the last-name value id with the same letters, -1 for none (swapped names) */
  firstAsLast: Int32Array;
  /**
   * per last-name value id: up to two formal-name ids as for `formalName` (-1 for none), so that a
   * given name written in the last name's place still meets its nicknames (Johnson Patty, Patricia Johnson)
   */
  lastFormalName: Int32Array;
  /** per last-name value id: its Soundex as a number */
  lastNameSound: Int32Array;
  /** per first-name value id: the Soundex of its (first) formal name, so that Bill and William sound alike */
  firstNameSound: Int32Array;
  /** per postcode value id: an id of its district (outward code; the whole code when not a UK postcode) */
  postcodeDistrict: Int32Array;
  /** per postcode value id: an id of its sector (outward code and the inward digit), -1 when not a UK postcode */
  postcodeSector: Int32Array;
  /** per address value id: the house number it starts with, -1 when it has none */
  houseNumber: Int32Array;
  /**
   * per postcode and per address value id: a hash of the value, so that blocking keys on them
   * are the same from run to run (value ids depend on which records a run holds)
   */
  postcodeHash: Int32Array;
  addressHash: Int32Array;
  /** per address value id, its words as word ids: `addressWords[addressWordStart[v] .. addressWordStart[v + 1]]` */
  addressWordStart: Int32Array;
  addressWords: Int32Array;
};

function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(4, length * 4)));
}

function sharedUint8(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(Math.max(1, length)));
}

class Interner {
  readonly values: string[] = [];
  readonly counts: number[] = [];
  private readonly index = new Map<string, number>();
  private readonly unique: boolean;
  constructor(unique: boolean) {
    this.unique = unique;
  }
  id(value: string): number {
    if (value === '') return -1;
    if (this.unique) {
      this.counts.push(1);
      return this.values.push(value) - 1;
    }
    let id = this.index.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.index.set(value, id);
      this.values.push(value);
      this.counts.push(0);
    }
    this.counts[id] = (this.counts[id] as number) + 1;
    return id;
  }
}

export function dayNumberOf(yyyymmdd: number): number {
  const y = Math.floor(yyyymmdd / 10000);
  const m = Math.floor(yyyymmdd / 100) % 100;
  const d = yyyymmdd % 100;
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

/** A run of records normalised, each text field with ids into its own table of values. */
export type NormalisedChunk = {
  count: number;
  text: Record<TextField, { ids: Int32Array; values: string[]; counts: number[] }>;
  /** YYYYMMDD, 0 when missing */
  dateOfBirth: Int32Array;
  sex: Uint8Array;
  issues: NormalisationIssue[];
};

/**
 * Normalises records one at a time into a chunk, so that records can be streamed in (from a
 * generator, a file or a database cursor) without an array of them ever being held.
 */
export class ChunkBuilder {
  private readonly interners = Object.fromEntries(
    TEXT_FIELDS.map((f) => [f, new Interner(UNIQUE_FIELDS.has(f))]),
  ) as Record<TextField, Interner>;
  private ids: Record<TextField, Int32Array>;
  private dateOfBirth: Int32Array;
  private sex: Uint8Array;
  private readonly issues: NormalisationIssue[] = [];
  /** the record of each issue, by position */
  private readonly issueAt: number[] = [];
  count = 0;

  constructor(capacity = 1024) {
    const size = Math.max(1, capacity);
    this.ids = Object.fromEntries(TEXT_FIELDS.map((f) => [f, new Int32Array(size)])) as Record<
      TextField,
      Int32Array
    >;
    this.dateOfBirth = new Int32Array(size);
    this.sex = new Uint8Array(size);
  }

  add(record: LinkageRecord): void {
    const i = this.count;
    if (i === this.sex.length) this.grow();
    const issuesBefore = this.issues.length;
    const n: NormalisedRecord = normaliseRecord(record, this.issues);
    for (let k = issuesBefore; k < this.issues.length; k++) this.issueAt.push(i);
    for (const field of TEXT_FIELDS) this.ids[field][i] = this.interners[field].id(n[field]);
    if (n.dateOfBirth) this.dateOfBirth[i] = Number(n.dateOfBirth.replace(/-/g, ''));
    this.sex[i] = n.sex === 'f' ? 1 : n.sex === 'm' ? 2 : 0;
    this.count = i + 1;
  }

  private grow(): void {
    const size = this.sex.length * 2;
    const bigger = <T extends Int32Array | Uint8Array>(array: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(array);
      return next;
    };
    for (const field of TEXT_FIELDS) this.ids[field] = bigger(this.ids[field], (n) => new Int32Array(n));
    this.dateOfBirth = bigger(this.dateOfBirth, (n) => new Int32Array(n));
    this.sex = bigger(this.sex, (n) => new Uint8Array(n));
  }

  /** The chunk of the records added, in the order they were added or, given `order`, record `order[i]` at i. */
  chunk(order?: Int32Array): NormalisedChunk {
    const count = this.count;
    const text = Object.fromEntries(
      TEXT_FIELDS.map((f) => {
        const interner = this.interners[f];
        const ids = this.ids[f].subarray(0, count);
        return [f, { ids, values: interner.values, counts: interner.counts }];
      }),
    ) as NormalisedChunk['text'];
    const chunk: NormalisedChunk = {
      count,
      text,
      dateOfBirth: this.dateOfBirth.subarray(0, count),
      sex: this.sex.subarray(0, count),
      issues: this.issues,
    };
    return order ? reorderChunk(chunk, this.issueAt, order) : chunk;
  }
}

/**
 * The chunk with record `order[i]` at i, value ids renumbered in order of first use, exactly
 * as if the records had been normalised in that order.
 */
function reorderChunk(
  chunk: NormalisedChunk,
  issueAt: readonly number[],
  order: Int32Array,
): NormalisedChunk {
  const count = chunk.count;
  if (order.length !== count) throw new Error('the order must name every record once');
  const text = {} as NormalisedChunk['text'];
  for (const field of TEXT_FIELDS) {
    const { ids, values, counts } = chunk.text[field];
    const remap = new Int32Array(values.length).fill(-1);
    const reordered = new Int32Array(count);
    const nextValues: string[] = [];
    const nextCounts: number[] = [];
    for (let i = 0; i < count; i++) {
      const v = ids[order[i] as number] as number;
      if (v < 0) {
        reordered[i] = -1;
        continue;
      }
      let id = remap[v] as number;
      if (id < 0) {
        id = nextValues.push(values[v] as string) - 1;
        nextCounts.push(counts[v] as number);
        remap[v] = id;
      }
      reordered[i] = id;
    }
    text[field] = { ids: reordered, values: nextValues, counts: nextCounts };
  }
  const dateOfBirth = new Int32Array(count);
  const sex = new Uint8Array(count);
  const position = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const from = order[i] as number;
    dateOfBirth[i] = chunk.dateOfBirth[from] as number;
    sex[i] = chunk.sex[from] as number;
    position[from] = i;
  }
  // a record's issues stay in the order normalising found them
  const issues = chunk.issues
    .map((issue, k) => ({ issue, at: position[issueAt[k] as number] as number, k }))
    .sort((x, y) => x.at - y.at || x.k - y.k)
    .map(({ issue }) => issue);
  return { count, text, dateOfBirth, sex, issues };
}

/** Normalises a run of records. */
export function normaliseChunk(
  records: readonly LinkageRecord[],
  onProgress?: (done: number, total: number) => void,
): NormalisedChunk {
  const builder = new ChunkBuilder(records.length);
  for (let i = 0; i < records.length; i++) {
    builder.add(records[i] as LinkageRecord);
    if (onProgress && ((i + 1) & 0xffff) === 0) onProgress(i + 1, records.length);
  }
  return builder.chunk();
}

/**
 * Normalises the records and lays them out as columns. Records of `sets[1]` (when linking
 * two sets) follow those of `sets[0]`; record i of the result is the i-th of that sequence.
 */
export function buildColumns(
  sets: readonly (readonly LinkageRecord[])[],
  issues?: NormalisationIssue[],
  onProgress?: (done: number, total: number) => void,
): RecordColumns {
  const chunk = normaliseChunk(sets.flat(), onProgress);
  if (issues) issues.push(...chunk.issues);
  return assembleColumns(
    [chunk],
    sets.map((set) => set.length),
  );
}

/**
 * Joins normalised runs (in record order) into the columns of the whole. Value ids come out
 * as if the records had been normalised in one run, so the result does not depend on how
 * the work was split.
 */
export function assembleColumns(
  chunks: readonly NormalisedChunk[],
  setSizes: readonly number[],
): RecordColumns {
  const count = chunks.reduce((sum, chunk) => sum + chunk.count, 0);
  const text = {} as Record<TextField, TextColumn>;
  for (const field of TEXT_FIELDS) text[field] = textColumnOf(chunks, field, count);
  return {
    count,
    text,
    ...recordColumnsOf(chunks, count, setSizes),
    ...nameColumnsOf(text),
    ...postcodeColumnsOf(text.postcode.values),
    houseNumber: houseNumbersOf(text.addressLine.values),
    postcodeHash: hashesOf(text.postcode.values),
    addressHash: hashesOf(text.addressLine.values),
    ...wordsOf(text.addressLine.values),
  };
}

/** One text field of the whole: each run's value ids mapped onto one interner's. */
function textColumnOf(chunks: readonly NormalisedChunk[], field: TextField, count: number): TextColumn {
  const ids = sharedInt32(count);
  const only = chunks.length === 1 ? chunks[0]?.text[field] : undefined;
  if (only) {
    // one run: its ids are already those of the whole
    ids.set(only.ids);
    const sharedCounts = sharedInt32(only.counts.length);
    sharedCounts.set(only.counts);
    return { ids, values: only.values, counts: sharedCounts, ...letterBags(only.values) };
  }
  const global = new Interner(UNIQUE_FIELDS.has(field));
  const counts: number[] = [];
  let offset = 0;
  for (const chunk of chunks) {
    const local = chunk.text[field];
    const remap = new Int32Array(local.values.length);
    local.values.forEach((value, v) => {
      const id = global.id(value);
      remap[v] = id;
      counts[id] = (counts[id] ?? 0) + (local.counts[v] as number);
    });
    for (let i = 0; i < chunk.count; i++) {
      const v = local.ids[i] as number;
      ids[offset + i] = v < 0 ? -1 : (remap[v] as number);
    }
    offset += chunk.count;
  }
  const sharedCounts = sharedInt32(counts.length);
  sharedCounts.set(counts);
  return { ids, values: global.values, counts: sharedCounts, ...letterBags(global.values) };
}

/** The columns of one value a record: date of birth (and its day number), sex, and which set it is of. */
function recordColumnsOf(chunks: readonly NormalisedChunk[], count: number, setSizes: readonly number[]) {
  const dateOfBirth = sharedInt32(count);
  const dayNumber = sharedInt32(count);
  const sex = sharedUint8(count);
  const set = sharedUint8(count);
  let offset = 0;
  for (const chunk of chunks) {
    dateOfBirth.set(chunk.dateOfBirth, offset);
    sex.set(chunk.sex, offset);
    offset += chunk.count;
  }
  for (let i = 0; i < count; i++) {
    const ymd = dateOfBirth[i] as number;
    if (ymd !== 0) dayNumber[i] = dayNumberOf(ymd);
  }
  set.fill(1, setSizes[0] ?? count);
  return { dateOfBirth, dayNumber, sex, set };
}

/** Per first and last name value: formal names, sounds, and a first name that is someone's last name. */
function nameColumnsOf(text: Record<TextField, TextColumn>) {
  const formal = new Interner(false);
  const firstNames = text.firstName.values;
  const formalName = sharedInt32(firstNames.length * 2);
  for (let v = 0; v < firstNames.length; v++) {
    // the first word decides: 'mary jane' is a Mary
    const word = (firstNames[v] as string).split(' ')[0] as string;
    const names = formalNamesOf(word);
    formalName[2 * v] = formal.id(names[0] as string);
    formalName[2 * v + 1] = names.length > 1 ? formal.id(names[1] as string) : -1;
  }
  // after the first names', so that their formal-name ids do not depend on the last names
  const lastNames = text.lastName.values;
  const lastFormalName = sharedInt32(lastNames.length * 2);
  for (let v = 0; v < lastNames.length; v++) {
    // only names of the table: any other stands for itself, and equal names are met as such
    const names = formalNames.get(lastNames[v] as string);
    if (!names) {
      lastFormalName[2 * v] = -1;
      lastFormalName[2 * v + 1] = -1;
      continue;
    }
    lastFormalName[2 * v] = formal.id(names[0] as string);
    lastFormalName[2 * v + 1] = names.length > 1 ? formal.id(names[1] as string) : -1;
  }
  const lastIndex = new Map(lastNames.map((value, id) => [value, id]));
  const firstAsLast = sharedInt32(firstNames.length);
  firstNames.forEach((value, id) => {
    firstAsLast[id] = lastIndex.get(value.replace(/ /g, '')) ?? -1;
  });
  const lastNameSound = sharedInt32(text.lastName.values.length);
  text.lastName.values.forEach((value, id) => {
    lastNameSound[id] = soundexNumber(value);
  });
  const firstNameSound = sharedInt32(firstNames.length);
  for (let v = 0; v < firstNames.length; v++) {
    firstNameSound[v] = soundexNumber(formal.values[formalName[2 * v] as number] as string);
  }
  return {
    formalName,
    formalNames: formal.values,
    firstAsLast,
    lastFormalName,
    lastNameSound,
    firstNameSound,
  };
}

/** Per postcode value: its district ('CB4') and sector ('CB4 7'). */
function postcodeColumnsOf(postcodes: readonly string[]) {
  const districts = new Interner(false);
  const sectors = new Interner(false);
  const postcodeDistrict = sharedInt32(postcodes.length);
  const postcodeSector = sharedInt32(postcodes.length);
  postcodes.forEach((value, id) => {
    const space = value.indexOf(' ');
    postcodeDistrict[id] = districts.id(space < 0 ? value : value.slice(0, space));
    postcodeSector[id] = space < 0 ? -1 : sectors.id(value.slice(0, space + 2));
  });
  return { postcodeDistrict, postcodeSector };
}

/** Per address line value: the house number it starts with, or -1. */
function houseNumbersOf(addresses: readonly string[]): Int32Array {
  const houseNumber = sharedInt32(addresses.length);
  addresses.forEach((value, id) => {
    const digits = /^\d+/.exec(value);
    houseNumber[id] = digits ? Number(digits[0]) : -1;
  });
  return houseNumber;
}

function hashesOf(values: readonly string[]): Int32Array {
  const hashes = sharedInt32(values.length);
  values.forEach((value, id) => {
    hashes[id] = hashText(value);
  });
  return hashes;
}

function letterBags(values: readonly string[]): { letterMask: Int32Array; letterCounts: Uint8Array } {
  const letterMask = sharedInt32(values.length);
  const letterCounts = sharedUint8(values.length * 27);
  values.forEach((value, v) => {
    let mask = 0;
    for (let i = 0; i < value.length; i++) {
      let c = value.charCodeAt(i) - 97;
      if (c < 0 || c > 25) c = 26;
      else mask |= 1 << c;
      const at = v * 27 + c;
      if ((letterCounts[at] as number) < 255) letterCounts[at] = (letterCounts[at] as number) + 1;
    }
    letterMask[v] = mask;
  });
  return { letterMask, letterCounts };
}

function wordsOf(addresses: readonly string[]): { addressWordStart: Int32Array; addressWords: Int32Array } {
  const index = new Map<string, number>();
  const words: number[] = [];
  const addressWordStart = sharedInt32(addresses.length + 1);
  addresses.forEach((address, v) => {
    for (const word of address.split(' ')) {
      let id = index.get(word);
      if (id === undefined) {
        id = index.size;
        index.set(word, id);
      }
      words.push(id);
    }
    addressWordStart[v + 1] = words.length;
  });
  const addressWords = sharedInt32(words.length);
  addressWords.set(words);
  return { addressWordStart, addressWords };
}
