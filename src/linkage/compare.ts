// How two records are compared, field by field. Each comparison sorts a pair into one of a
// few levels of agreement, best first; level 0 means a value is missing on either side and
// counts neither for nor against a match. The levels, not the raw similarity scores, are what
// the model learns m and u probabilities for.
import type { RecordColumns, TextColumn, TextField } from './columns.ts';
import { jaroWinkler, withinOneEdit } from './strings.ts';

export type Comparison = {
  name: string;
  /** labels of levels 1..n, best first (level 0 is "missing") */
  levels: readonly string[];
  /** fields of the record this comparison reads */
  fields: readonly string[];
  /** whether an exact match is weighted by how rare the value is */
  termFrequency?: TextField;
  /**
   * levels besides exact (1) weighted by how rare the value is: a typo of a rare name is as
   * telling as the rare name itself; the commoner of the two values counts
   */
  termFrequencyLevels?: readonly number[];
  compare(columns: RecordColumns, a: number, b: number): number;
};

const MISSING = 0;

function sameFormalName(columns: RecordColumns, va: number, vb: number): boolean {
  const f = columns.formalName;
  const a0 = f[2 * va] as number;
  const a1 = f[2 * va + 1] as number;
  const b0 = f[2 * vb] as number;
  const b1 = f[2 * vb + 1] as number;
  return a0 === b0 || a0 === b1 || (a1 >= 0 && (a1 === b0 || a1 === b1));
}

/** whether a first-name value and a last-name value stand for one formal name (Patty and Patricia) */
function formalNamesMeet(columns: RecordColumns, first: number, last: number): boolean {
  const l0 = columns.lastFormalName[2 * last] as number;
  if (l0 < 0) return false;
  const l1 = columns.lastFormalName[2 * last + 1] as number;
  const f0 = columns.formalName[2 * first] as number;
  const f1 = columns.formalName[2 * first + 1] as number;
  return f0 === l0 || f1 === l0 || (l1 >= 0 && (f0 === l1 || f1 === l1));
}

const CROSS_DIFFERENT = 0;
const CROSS_WRITTEN_OTHERWISE = 1;
const CROSS_SAME = 2;

/**
 * A name in one record's first-name place against one in the other's last-name place: the
 * same or a typo apart, written another way (an initial, a nickname, Jaro–Winkler ≥ 0.9), or
 * different. Most pairs of different people stop at the first letters.
 */
function crossAgreement(columns: RecordColumns, first: number, last: number): number {
  if (columns.firstAsLast[first] === last) return CROSS_SAME;
  const sf = columns.text.firstName.values[first] as string;
  const sl = columns.text.lastName.values[last] as string;
  if (sf.charCodeAt(0) !== sl.charCodeAt(0)) {
    if (formalNamesMeet(columns, first, last)) return CROSS_WRITTEN_OTHERWISE;
    return withinOneEdit(sf, sl) ? CROSS_SAME : CROSS_DIFFERENT;
  }
  if (withinOneEdit(sf, sl)) return CROSS_SAME;
  if (sf.length === 1 || sl.length === 1 || formalNamesMeet(columns, first, last))
    return CROSS_WRITTEN_OTHERWISE;
  return jaroWinkler(sf, sl) >= 0.9 ? CROSS_WRITTEN_OTHERWISE : CROSS_DIFFERENT;
}

const NOT_SWAPPED = 0;
const SWAPPED = 1;
const SWAPPED_WRITTEN_OTHERWISE = 2;
const PARTLY_SWAPPED = 3;

/**
 * First and last names swapped: each name the same or one typo apart, or at least one of them
 * written another way as well (Isla Burgess and Burgess B, Patricia Johnson and Johnson Patty),
 * or only one of them in the other's place and the other name lost (Weller Ebony, Flynn Weller).
 */
function swappedNames(columns: RecordColumns, a: number, b: number): number {
  const fa = columns.text.firstName.ids[a] as number;
  const fb = columns.text.firstName.ids[b] as number;
  if (fa < 0 || fb < 0) return NOT_SWAPPED;
  const la = columns.text.lastName.ids[a] as number;
  const lb = columns.text.lastName.ids[b] as number;
  if (la < 0 || lb < 0) return NOT_SWAPPED;
  const one = crossAgreement(columns, fa, lb);
  const other = crossAgreement(columns, fb, la);
  if (one === CROSS_SAME && other === CROSS_SAME) return SWAPPED;
  if (one === CROSS_DIFFERENT || other === CROSS_DIFFERENT) {
    return one === CROSS_SAME || other === CROSS_SAME ? PARTLY_SWAPPED : NOT_SWAPPED;
  }
  return SWAPPED_WRITTEN_OTHERWISE;
}

/**
 * Jaro–Winkler of two values of a column, or 0 when their letters alone show it is below
 * `floor`: Jaro cannot exceed (M/|a| + M/|b| + 1)/3 when at most M characters can match, and
 * M is bounded by the letters the two have in common. Most pairs of different people stop here.
 */
export function jaroWinklerAbove(column: TextColumn, ia: number, ib: number, floor: number): number {
  const sa = column.values[ia] as string;
  const sb = column.values[ib] as string;
  const counts = column.letterCounts;
  let common = (column.letterMask[ia] as number) & (column.letterMask[ib] as number);
  let possible = Math.min(counts[ia * 27 + 26] as number, counts[ib * 27 + 26] as number);
  while (common !== 0) {
    const bit = common & -common;
    const c = 31 - Math.clz32(bit);
    possible += Math.min(counts[ia * 27 + c] as number, counts[ib * 27 + c] as number);
    common ^= bit;
  }
  const jaroBound = (possible / sa.length + possible / sb.length + 1) / 3;
  let prefix = 0;
  const limit = Math.min(4, sa.length, sb.length);
  while (prefix < limit && sa.charCodeAt(prefix) === sb.charCodeAt(prefix)) prefix++;
  if (possible === 0 || jaroBound + prefix * 0.1 * (1 - jaroBound) < floor) return 0;
  return jaroWinkler(sa, sb);
}

function isInitialOf(short: string, long: string): boolean {
  return short.length === 1 && long.charCodeAt(0) === short.charCodeAt(0);
}

const FIRST_NAME_SWAPPED = 3;
const FIRST_NAME_SWAPPED_OTHERWISE = 4;
const FIRST_NAME_PARTLY_SWAPPED = 9;

const firstName: Comparison = {
  name: 'first name',
  levels: [
    'exact',
    'same name (nickname)',
    'swapped with last name',
    'swapped with last name, written another way',
    'one edit (a typo)',
    'Jaro–Winkler ≥ 0.92',
    'Jaro–Winkler ≥ 0.80',
    'initial only',
    "one of the names in the other's place",
    'different',
  ],
  fields: ['firstName'],
  termFrequency: 'firstName',
  termFrequencyLevels: [1],
  compare(columns, a, b) {
    const column = columns.text.firstName;
    const ia = column.ids[a] as number;
    const ib = column.ids[b] as number;
    const values = column.values;
    if (ia < 0 || ib < 0) return MISSING;
    if (ia === ib) return 1;
    if (sameFormalName(columns, ia, ib)) return 2;
    const swapped = swappedNames(columns, a, b);
    if (swapped === SWAPPED) return FIRST_NAME_SWAPPED;
    const sa = values[ia] as string;
    const sb = values[ib] as string;
    // names swapped and written another way too are weaker evidence than these first names' own agreement
    if (isInitialOf(sa, sb) || isInitialOf(sb, sa)) {
      return swapped === SWAPPED_WRITTEN_OTHERWISE ? FIRST_NAME_SWAPPED_OTHERWISE : 8;
    }
    // a typo in the first letters costs Jaro–Winkler its prefix bonus, not one edit
    if (withinOneEdit(sa, sb)) return 5;
    const jw = jaroWinklerAbove(columns.text.firstName, ia, ib, 0.8);
    if (jw >= 0.92) return 6;
    if (swapped === SWAPPED_WRITTEN_OTHERWISE) return FIRST_NAME_SWAPPED_OTHERWISE;
    if (jw >= 0.8) return 7;
    return swapped === PARTLY_SWAPPED ? FIRST_NAME_PARTLY_SWAPPED : 10;
  },
};

const middleName: Comparison = {
  name: 'middle name',
  levels: ['exact', 'same initial', 'different'],
  fields: ['middleName'],
  compare(columns, a, b) {
    const column = columns.text.middleName;
    const ia = column.ids[a] as number;
    const ib = column.ids[b] as number;
    const values = column.values;
    if (ia < 0 || ib < 0) return MISSING;
    if (ia === ib) return 1;
    return (values[ia] as string).charCodeAt(0) === (values[ib] as string).charCodeAt(0) ? 2 : 3;
  },
};

/** The last name's level, given the first name's (names swapped are counted once, by the first name). */
function lastNameLevel(columns: RecordColumns, a: number, b: number, firstNameLevel: number): number {
  const column = columns.text.lastName;
  const ia = column.ids[a] as number;
  const ib = column.ids[b] as number;
  const values = column.values;
  if (ia < 0 || ib < 0) return MISSING;
  if (
    firstNameLevel === FIRST_NAME_SWAPPED ||
    firstNameLevel === FIRST_NAME_SWAPPED_OTHERWISE ||
    firstNameLevel === FIRST_NAME_PARTLY_SWAPPED
  ) {
    return MISSING;
  }
  if (sameHome(columns, a, b, false)) return MISSING;
  if (ia === ib) return 1;
  const sa = values[ia] as string;
  const sb = values[ib] as string;
  if (withinOneEdit(sa, sb)) return 2;
  const jw = jaroWinklerAbove(column, ia, ib, 0.8);
  return jw >= 0.92 ? 3 : jw >= 0.8 ? 4 : 5;
}

const lastName: Comparison = {
  name: 'last name',
  levels: ['exact', 'one edit (Levenshtein ≤ 1)', 'Jaro–Winkler ≥ 0.92', 'Jaro–Winkler ≥ 0.80', 'different'],
  fields: ['lastName'],
  termFrequency: 'lastName',
  termFrequencyLevels: [1, 2, 3],
  compare(columns, a, b) {
    return lastNameLevel(columns, a, b, firstName.compare(columns, a, b));
  },
};

/** Whether two YYYYMMDD numbers differ in one digit or by swapping two neighbouring digits. */
export function datesOneTypoApart(x: number, y: number): boolean {
  let differing = 0;
  let firstAt = -1;
  let da0 = 0;
  let db0 = 0;
  let transposed = false;
  for (let position = 0; position < 8; position++) {
    const da = x % 10;
    const db = y % 10;
    x = (x - da) / 10;
    y = (y - db) / 10;
    if (da === db) continue;
    differing++;
    if (differing === 1) {
      firstAt = position;
      da0 = da;
      db0 = db;
    } else if (differing === 2) {
      transposed = position === firstAt + 1 && da === db0 && db === da0;
    } else return false;
  }
  return differing === 1 || (differing === 2 && transposed);
}

const dateOfBirth: Comparison = {
  name: 'date of birth',
  levels: [
    'exact',
    'day and month swapped',
    'same month, within ten days',
    'same month, another day',
    'one day apart or one typo',
    'within a month',
    'same year',
    'different',
  ],
  fields: ['dateOfBirth'],
  compare(columns, a, b) {
    const da = columns.dateOfBirth[a] as number;
    const db = columns.dateOfBirth[b] as number;
    if (da === 0 || db === 0) return MISSING;
    if (da === db) return 1;
    const year = Math.floor(da / 10000);
    const sameYear = year === Math.floor(db / 10000);
    if (sameYear) {
      const swapped = year * 10000 + (da % 100) * 100 + (Math.floor(da / 100) % 100);
      if (swapped === db) return 2;
      // a mistyped or misremembered day keeps the month: far rarer by chance than a day's typo anywhere
      if (Math.floor(da / 100) === Math.floor(db / 100)) return Math.abs(da - db) <= 10 ? 3 : 4;
    }
    if (Math.abs((columns.dayNumber[a] as number) - (columns.dayNumber[b] as number)) <= 1) return 5;
    if (datesOneTypoApart(da, db)) return 5;
    if (Math.abs((columns.dayNumber[a] as number) - (columns.dayNumber[b] as number)) <= 31) return 6;
    return sameYear ? 7 : 8;
  },
};

const sex: Comparison = {
  name: 'sex',
  levels: ['same', 'different'],
  fields: ['sex'],
  compare(columns, a, b) {
    const sa = columns.sex[a] as number;
    const sb = columns.sex[b] as number;
    if (sa === 0 || sb === 0) return MISSING;
    return sa === sb ? 1 : 2;
  },
};

/** 1 exact, 2 one edit, 3 same sector, 4 same district, 5 different, 0 missing */
export function postcodeAgreement(columns: RecordColumns, a: number, b: number): number {
  const column = columns.text.postcode;
  const ia = column.ids[a] as number;
  const ib = column.ids[b] as number;
  if (ia < 0 || ib < 0) return MISSING;
  if (ia === ib) return 1;
  if (withinOneEdit(column.values[ia] as string, column.values[ib] as string)) return 2;
  const sector = columns.postcodeSector[ia] as number;
  if (sector >= 0 && sector === columns.postcodeSector[ib]) return 3;
  if (sector >= 0 && columns.postcodeDistrict[ia] === columns.postcodeDistrict[ib]) return 4;
  return 5;
}

/** share of the shorter address's words that appear in the other */
function wordOverlap(columns: RecordColumns, ia: number, ib: number): number {
  const start = columns.addressWordStart;
  const words = columns.addressWords;
  let fromA = start[ia] as number;
  let toA = start[ia + 1] as number;
  let fromB = start[ib] as number;
  let toB = start[ib + 1] as number;
  // the shorter one (ties broken by id, so that the comparison is symmetric) is looked up in the other
  if (toA - fromA > toB - fromB || (toA - fromA === toB - fromB && ia > ib)) {
    [fromA, toA, fromB, toB] = [fromB, toB, fromA, toA];
  }
  let shared = 0;
  for (let x = fromA; x < toA; x++) {
    const word = words[x];
    for (let y = fromB; y < toB; y++) {
      if (words[y] === word) {
        shared++;
        break;
      }
    }
  }
  return shared / Math.max(1, toA - fromA);
}

/** 1 exact, 2 close (same house number), 3 most words shared, 4 different, 0 missing */
export function addressAgreement(columns: RecordColumns, a: number, b: number): number {
  const column = columns.text.addressLine;
  const ia = column.ids[a] as number;
  const ib = column.ids[b] as number;
  if (ia < 0 || ib < 0) return MISSING;
  if (ia === ib) return 1;
  const na = columns.houseNumber[ia] as number;
  const nb = columns.houseNumber[ib] as number;
  if (na !== nb && na >= 0 && nb >= 0) return 4;
  if (na === nb && jaroWinklerAbove(column, ia, ib, 0.9) >= 0.9) return 2;
  return wordOverlap(columns, ia, ib) >= 0.6 ? 3 : 4;
}

/**
 * Whether two records give the same home: the same or a similar address line and the same
 * postcode or one a typo away or in the same sector. People of one household share these, and
 * with them usually their surname and often a landline, so once the home agrees, an agreeing
 * surname or phone is no further evidence of being the same person. With `withoutPostcode`, an
 * address line alike with no postcode on one record counts as the same home too: a phone
 * shared there is still the household's, while a surname shared is not (the same house number
 * and street in another town is seldom the same surname's, unless the same household's).
 */
function sameHome(columns: RecordColumns, a: number, b: number, withoutPostcode: boolean): boolean {
  const postcode = postcodeAgreement(columns, a, b);
  if (postcode > 3 || (postcode === MISSING && !withoutPostcode)) return false;
  const address = addressAgreement(columns, a, b);
  return address === 1 || address === 2;
}

/**
 * Postcode and address line compared together: in the UK people who share a postcode are
 * far more likely than two random people to share a street or a house (a household), so the
 * two agreements are not independent evidence and are learnt as one.
 */
const location: Comparison = {
  name: 'address and postcode',
  levels: [
    'same address, same postcode',
    'similar address, same postcode',
    'same postcode, different address',
    'same or similar address, postcode one edit or same sector',
    'same or similar address, no postcode to compare',
    'same or similar address, different postcode',
    'postcode one edit or same sector',
    'same postcode district',
    'different',
  ],
  fields: ['postcode', 'addressLine'],
  compare(columns, a, b) {
    const postcodeLevel = postcodeAgreement(columns, a, b);
    const addressLevel = addressAgreement(columns, a, b);
    if (postcodeLevel === MISSING && addressLevel === MISSING) return MISSING;
    const addressAgrees = addressLevel === 1 || addressLevel === 2 || addressLevel === 3;
    if (postcodeLevel === 1) return addressLevel === 1 ? 1 : addressAgrees ? 2 : 3;
    const postcodeClose = postcodeLevel === 2 || postcodeLevel === 3;
    if (addressAgrees) return postcodeClose ? 4 : postcodeLevel === MISSING ? 5 : 6;
    if (postcodeClose) return 7;
    return postcodeLevel === 4 ? 8 : 9;
  },
};

/** Town, counted only when postcodes do not already agree (an agreeing postcode implies the town). */
const town: Comparison = {
  name: 'town',
  levels: ['exact', 'Jaro–Winkler ≥ 0.88', 'different'],
  fields: ['town'],
  compare(columns, a, b) {
    const column = columns.text.town;
    const ia = column.ids[a] as number;
    const ib = column.ids[b] as number;
    if (ia < 0 || ib < 0) return MISSING;
    const postcodes = columns.text.postcode.ids;
    if ((postcodes[a] as number) >= 0 && postcodes[a] === postcodes[b]) return MISSING;
    if (ia === ib) return 1;
    return jaroWinklerAbove(column, ia, ib, 0.88) >= 0.88 ? 2 : 3;
  },
};

function textComparison(
  name: string,
  field: TextField,
  fuzzy: 'one edit' | 'none',
  notCountedAtSameHome = false,
): Comparison {
  const levels = fuzzy === 'none' ? ['exact', 'different'] : ['exact', fuzzy, 'different'];
  return {
    name,
    levels,
    fields: [field],
    compare(columns, a, b) {
      const column = columns.text[field];
      const ia = column.ids[a] as number;
      const ib = column.ids[b] as number;
      const values = column.values;
      if (ia < 0 || ib < 0) return MISSING;
      if (notCountedAtSameHome && sameHome(columns, a, b, true)) return MISSING;
      const sa = values[ia] as string;
      const sb = values[ib] as string;
      if (sa === sb) return 1;
      if (fuzzy === 'none') return 2;
      return withinOneEdit(sa, sb) ? 2 : 3;
    },
  };
}

const nhsNumber = textComparison('NHS number', 'nhsNumber', 'none');
const nationalInsuranceNumber = textComparison(
  'National Insurance number',
  'nationalInsuranceNumber',
  'one edit',
);
const phone = textComparison('phone', 'phone', 'one edit', true);
/**
 * Email addresses are often made of the names (jane.smith1@...), and people of one name choose
 * alike ones: when both names agree as well, an agreeing address is weighed by how often two
 * records of the same names share one, rather than two records at random.
 */
const email: Comparison = {
  name: 'email',
  levels: ['exact', 'exact, and both names exact too', 'different'],
  fields: ['email'],
  compare(columns, a, b) {
    const column = columns.text.email;
    const ia = column.ids[a] as number;
    const ib = column.ids[b] as number;
    if (ia < 0 || ib < 0) return MISSING;
    if (column.values[ia] !== column.values[ib]) return 3;
    return sameNames(columns, a, b) ? 2 : 1;
  },
};

/** the same first name and the same last name, both present */
function sameNames(columns: RecordColumns, a: number, b: number): boolean {
  const first = columns.text.firstName.ids;
  const last = columns.text.lastName.ids;
  return (
    (first[a] as number) >= 0 && first[a] === first[b] && (last[a] as number) >= 0 && last[a] === last[b]
  );
}

/** The comparisons of the linkage model, in the order their levels are stored. */
export const COMPARISONS: readonly Comparison[] = [
  firstName,
  middleName,
  lastName,
  dateOfBirth,
  sex,
  location,
  town,
  nhsNumber,
  nationalInsuranceNumber,
  phone,
  email,
];

/**
 * Compares pairs (a[k], b[k]) for k in [from, to) and writes their levels to
 * `levels[(k - from + at) * COMPARISONS.length + c]` (`at` is `from` unless told otherwise). Written out comparison by comparison (in the order of
 * COMPARISONS) so that each call site sees one function and the engine can inline it.
 */
export function compareRange(
  columns: RecordColumns,
  pairsA: Int32Array,
  pairsB: Int32Array,
  levels: Uint8Array,
  from: number,
  to: number,
  at = from,
): void {
  const width = COMPARISONS.length;
  for (let k = from; k < to; k++) {
    const a = pairsA[k] as number;
    const b = pairsB[k] as number;
    const base = (k - from + at) * width;
    const first = firstName.compare(columns, a, b);
    levels[base] = first;
    levels[base + 1] = middleName.compare(columns, a, b);
    levels[base + 2] = lastNameLevel(columns, a, b, first);
    levels[base + 3] = dateOfBirth.compare(columns, a, b);
    levels[base + 4] = sex.compare(columns, a, b);
    levels[base + 5] = location.compare(columns, a, b);
    levels[base + 6] = town.compare(columns, a, b);
    levels[base + 7] = nhsNumber.compare(columns, a, b);
    levels[base + 8] = nationalInsuranceNumber.compare(columns, a, b);
    levels[base + 9] = phone.compare(columns, a, b);
    levels[base + 10] = email.compare(columns, a, b);
  }
}

/** The levels of one pair, one per comparison. */
export function comparePair(columns: RecordColumns, a: number, b: number): number[] {
  return COMPARISONS.map((comparison) => comparison.compare(columns, a, b));
}
