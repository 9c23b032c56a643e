// The blocking rules: which keys bring records together to be compared. Each rule is a key
// of a record (a postcode and a first initial, a date of birth and a surname's sound, ...);
// `blocking.ts` pairs the records that share one.
import type { RecordColumns } from './columns.ts';
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
  /**
   * Sorted neighbourhood within big blocks: a block of more than `above` records is sorted on
   * `order` (then on record) and each record paired only with its `neighbours` nearest on
   * either side, instead of with every other. A key made of a name's sound and a date holds a
   * fixed share of the population, so its blocks grow with it and their pairs with its square;
   * windowed, they grow linearly. Blocks of `above` records or fewer are paired all with all.
   */
  window?: BlockWindow;
};

export type BlockWindow = {
  above: number;
  neighbours: number;
  /** what a big block is sorted on; ties keep the records' order */
  order(columns: RecordColumns, i: number): number;
};

const NONE = -1;

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

/** the year of a YYYYMMDD date, below 256 */
const year = (dob: number) => Math.floor(dob / 10000) % 256;
/** the month of a YYYYMMDD date, 1–12 */
const month = (dob: number) => Math.floor(dob / 100) % 100;

/** a date's year with its day and month in either order (the smaller first), below 2^18 */
function dayAndMonth(dob: number): number {
  const day = dob % 100;
  return year(dob) * 1024 + Math.min(day, month(dob)) * 32 + Math.max(day, month(dob));
}

/** a value's hash (the same in every run, unlike its id), from 0 to 2^32 - 1 */
function valueHash(hashes: Int32Array, id: number): number {
  return (hashes[id] as number) >>> 0;
}

/** both names' endings (`nameEnding`), the smaller first, so that swapped names meet; -1 for none */
function endingsInEitherOrder(columns: RecordColumns, i: number): number {
  const first = nameEnding(columns, 'firstName', i);
  const last = nameEnding(columns, 'lastName', i);
  return first < 0 || last < 0 ? NONE : Math.min(first, last) * 19_683 + Math.max(first, last);
}

/** both names' first letters, the smaller first; -1 unless both names are there */
function initialsInEitherOrder(columns: RecordColumns, i: number): number {
  const first = initial(columns, 'firstName', i);
  const last = initial(columns, 'lastName', i);
  return first === 0 || last === 0 ? NONE : Math.min(first, last) * 32 + Math.max(first, last);
}

/** days since 1970 of the date of birth, made positive; 0 for none */
function birthDay(columns: RecordColumns, i: number): number {
  return columns.dateOfBirth[i] === 0 ? 0 : (columns.dayNumber[i] as number) + 100_000;
}

/** the postcode's or the address line's hash, -1 for none */
function placeHash(columns: RecordColumns, field: 'postcode' | 'addressLine', i: number): number {
  const id = columns.text[field].ids[i] as number;
  if (id < 0) return NONE;
  return valueHash(field === 'postcode' ? columns.postcodeHash : columns.addressHash, id);
}

function hashedText(columns: RecordColumns, field: keyof RecordColumns['text'], i: number): number {
  const column = columns.text[field];
  const id = column.ids[i] as number;
  return id < 0 ? NONE : hashText(column.values[id] as string);
}

export const BLOCKING_RULES: readonly BlockingRule[] = [
  // Where people live: blocks as many as live there, so their pairs grow with the population.
  {
    name: 'postcode + first initial',
    comparisons: ['address and postcode', 'town', 'first name'],
    train: false,
    key(columns, i) {
      const postcode = placeHash(columns, 'postcode', i);
      const first = formalInitial(columns, i);
      return postcode < 0 || first === 0 ? NONE : postcode * 32 + first;
    },
  },
  {
    name: 'address line + first initial',
    comparisons: ['address and postcode', 'first name'],
    train: false,
    key(columns, i) {
      const address = placeHash(columns, 'addressLine', i);
      const first = formalInitial(columns, i);
      return address < 0 || first === 0 ? NONE : address * 32 + first;
    },
  },
  {
    // first and last names swapped at the same address
    name: 'address line + initials in either order',
    comparisons: ['address and postcode'],
    train: false,
    key(columns, i) {
      const address = placeHash(columns, 'addressLine', i);
      const initials = initialsInEitherOrder(columns, i);
      return address < 0 || initials < 0 ? NONE : address * 1024 + initials;
    },
  },
  {
    // the same house, whatever became of the names or of the street's spelling
    name: 'postcode + house number',
    comparisons: ['address and postcode', 'town'],
    train: false,
    key(columns, i) {
      const postcode = placeHash(columns, 'postcode', i);
      const address = columns.text.addressLine.ids[i] as number;
      const house = address < 0 ? NONE : (columns.houseNumber[address] as number);
      return postcode < 0 || house < 0 || house >= 100_000 ? NONE : postcode * 100_000 + house;
    },
  },
  // A whole date of birth: about 30,000 days, each a few hundred records at ten million, so
  // the names' part of the key must split them finely.
  {
    name: 'date of birth + initials',
    comparisons: ['date of birth'],
    train: true,
    key(columns, i) {
      const day = birthDay(columns, i);
      if (day === 0) return NONE;
      // the two initials in order, so that swapped first and last names still meet
      const first = initial(columns, 'firstName', i);
      const last = initial(columns, 'lastName', i);
      if (first === 0 && last === 0) return NONE;
      return day * 1024 + Math.min(first, last) * 32 + Math.max(first, last);
    },
  },
  {
    name: 'date of birth + last name sounds like',
    comparisons: ['date of birth', 'last name'],
    train: true,
    key(columns, i) {
      const day = birthDay(columns, i);
      const sound = lastNameSound(columns, i);
      return day === 0 || sound < 0 ? NONE : day * 32_000 + sound;
    },
  },
  {
    // its formal name, so Bill meets William
    name: 'date of birth + first name sounds like',
    comparisons: ['date of birth', 'first name'],
    train: true,
    key(columns, i) {
      const day = birthDay(columns, i);
      const sound = firstNameSound(columns, i);
      return day === 0 || sound < 0 ? NONE : day * 32_000 + sound;
    },
  },
  {
    // a surname mistyped in its first letter, which every rule on its sound misses
    name: 'date of birth + end of last name + first initial',
    comparisons: ['date of birth'],
    train: false,
    key(columns, i) {
      const day = birthDay(columns, i);
      const ending = nameEnding(columns, 'lastName', i);
      const first = formalInitial(columns, i);
      return day === 0 || ending < 0 || first === 0 ? NONE : (day * 32_768 + ending) * 32 + first;
    },
  },
  // A date of birth mistyped: the year and month, or the year with the day and month in either
  // order, beside the names' sounds or endings.
  {
    // a name mistyped in its first letter (so its sound changes), with the day mistyped too
    name: 'ends of both names in either order + year and month of birth',
    comparisons: ['date of birth'],
    train: false,
    key(columns, i) {
      const endings = endingsInEitherOrder(columns, i);
      const dob = columns.dateOfBirth[i] as number;
      return endings < 0 || dob === 0 ? NONE : (endings * 256 + year(dob)) * 13 + month(dob);
    },
  },
  {
    // a first name mistyped or cut to its initial, with the day and month swapped
    name: 'last name sounds like + first initial + year of birth, day and month in either order',
    comparisons: ['last name', 'date of birth'],
    train: false,
    key(columns, i) {
      const sound = lastNameSound(columns, i);
      const first = formalInitial(columns, i);
      const dob = columns.dateOfBirth[i] as number;
      if (sound < 0 || first === 0 || dob === 0) return NONE;
      return (sound * 32 + first) * 262_144 + dayAndMonth(dob);
    },
  },
  {
    // a first name mistyped or cut to its initial, with the day wrong
    name: 'last name sounds like + first initial + year and month of birth',
    comparisons: ['last name', 'date of birth'],
    train: false,
    key(columns, i) {
      const sound = lastNameSound(columns, i);
      const first = formalInitial(columns, i);
      const dob = columns.dateOfBirth[i] as number;
      if (sound < 0 || first === 0 || dob === 0) return NONE;
      return ((sound * 32 + first) * 256 + year(dob)) * 13 + month(dob);
    },
  },
  {
    // a first name mistyped in its first letter, or cut to another initial, with the day wrong;
    // a surname's sound and a month of birth hold a fixed share of the population, so a big
    // block pairs each record only with those of the nearest birthdays of its sex
    name: 'last name sounds like + year and month of birth, nearest days',
    comparisons: ['last name'],
    train: false,
    key(columns, i) {
      const sound = lastNameSound(columns, i);
      const dob = columns.dateOfBirth[i] as number;
      return sound < 0 || dob === 0 ? NONE : sound * 4096 + year(dob) * 13 + month(dob);
    },
    window: {
      above: 6,
      neighbours: 2,
      order: (columns, i) => (columns.sex[i] as number) * 32 + ((columns.dateOfBirth[i] as number) % 100),
    },
  },
  // Identifiers: each held by one person (but for typos and a family's shared phone or email).
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
