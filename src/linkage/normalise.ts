// Turns a record as an organisation holds it into comparable values: case, accents and
// punctuation removed, dates in ISO form, UK postcodes in their standard layout, phone
// numbers as national digits, NHS numbers checked. A value that cannot be used becomes
// missing, and the reason is reported so that the organisation can correct it.

/** A person's record as one organisation holds it. Only `id` and `source` are required. */
export type LinkageRecord = {
  /** unique across everything passed to one linkage run */
  id: string;
  /** the organisation (or system) the record comes from */
  source: string;
  firstName?: string;
  middleName?: string;
  lastName?: string;
  /** 'YYYY-MM-DD' preferred; 'YYYYMMDD', 'DD/MM/YYYY', 'DD-MM-YYYY', 'DD.MM.YYYY' accepted */
  dateOfBirth?: string;
  sex?: string;
  /** house number and street, and any flat or building name */
  addressLine?: string;
  town?: string;
  postcode?: string;
  nhsNumber?: string;
  /** another identifier both sides hold (a National Insurance number, a shared client number) */
  nationalInsuranceNumber?: string;
  phone?: string;
  email?: string;
};

/** The comparable form of a record; '' is a missing value. */
export type NormalisedRecord = {
  firstName: string;
  middleName: string;
  lastName: string;
  /** 'YYYY-MM-DD' */
  dateOfBirth: string;
  sex: '' | 'f' | 'm';
  addressLine: string;
  town: string;
  postcode: string;
  nhsNumber: string;
  nationalInsuranceNumber: string;
  phone: string;
  email: string;
};

export type NormalisedField = keyof NormalisedRecord;

export type NormalisationIssue = {
  recordId: string;
  field: NormalisedField;
  problem: string;
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the point
const NON_ASCII = /[^\x00-\x7f]/;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  þ: 'th',
};

/** whether text is already plain: a–z, 0–9 and single inner spaces */
function isPlain(text: string): boolean {
  let previousSpace = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (previousSpace) return false;
      previousSpace = true;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) previousSpace = false;
    else return false;
  }
  return !previousSpace || text.length === 0;
}

/** Lower case, accents taken off, anything but letters, digits and spaces turned to spaces. */
export function plainText(value: string): string {
  let text = value.toLowerCase();
  if (isPlain(text)) return text;
  if (NON_ASCII.test(text)) {
    text = text.normalize('NFD').replace(COMBINING_MARKS, '');
    text = text.replace(/[ßæœøłđþ]/g, (ch) => SPECIAL_LETTERS[ch] ?? ch);
  }
  return text
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'rev', 'sir', 'dame', 'lady', 'lord']);
const SUFFIXES = new Set(['jr', 'jnr', 'sr', 'snr', 'ii', 'iii', 'iv']);
const HAS_SPACE_OR_DIGIT = /[ 0-9]/;
const NOT_A_NAME = new Set([
  'unknown',
  'none',
  'na',
  'n a',
  'not known',
  'nk',
  'xxx',
  'test',
  'baby',
  'infant',
]);

/** A given name: plain letters, titles dropped, words separated by single spaces. */
export function normaliseGivenName(value: string | undefined): string {
  if (!value) return '';
  const plain = plainText(value);
  if (!HAS_SPACE_OR_DIGIT.test(plain)) {
    // one word, the usual case
    return TITLES.has(plain) || SUFFIXES.has(plain) || NOT_A_NAME.has(plain) ? '' : plain;
  }
  const words = plain
    .replace(/[0-9]/g, '')
    .split(' ')
    .filter((word) => word && !TITLES.has(word) && !SUFFIXES.has(word));
  const name = words.join(' ');
  return NOT_A_NAME.has(name) ? '' : name;
}

/** A family name: plain letters only, so O'Brien, OBrien and O Brien, or Smith-Jones and Smith Jones, agree. */
export function normaliseFamilyName(value: string | undefined): string {
  const name = normaliseGivenName(value);
  return name.replace(/ /g, '');
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

export type ParsedDate = { date: string; problem?: string };

const DATE_LAYOUTS: [RegExp, (match: RegExpExecArray) => [number, number, number]][] = [
  [/^(\d{4})-?(\d{2})-?(\d{2})(?:[t ].*)?$/, (x) => [Number(x[1]), Number(x[2]), Number(x[3])]],
  [/^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$/, (x) => [Number(x[3]), Number(x[2]), Number(x[1])]],
  [/^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/, (x) => [Number(x[1]), Number(x[2]), Number(x[3])]],
  [
    /^(\d{1,2})(?:st|nd|rd|th)? ([a-z]{3})[a-z]* (\d{4})$/,
    (x) => [Number(x[3]), MONTHS[x[2] as string] ?? 0, Number(x[1])],
  ],
];

/** year, month and day as written, whether or not they make a real date */
function dateParts(raw: string): [number, number, number] | undefined {
  for (const [layout, parts] of DATE_LAYOUTS) {
    const match = layout.exec(raw);
    if (match) return parts(match);
  }
  return undefined;
}

/**
 * A date of birth in ISO form. When the month is impossible but the day would be a month,
 * the two were swapped (an American-style date): they are put back and reported.
 */
export function normaliseDate(value: string | undefined): ParsedDate {
  if (!value) return { date: '' };
  if (ISO_DATE.test(value)) {
    const y = Number(value.slice(0, 4));
    const m = Number(value.slice(5, 7));
    const d = Number(value.slice(8, 10));
    if (y >= 1850 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m))
      return { date: value };
  }
  const raw = value.trim().toLowerCase();
  if (raw === '') return { date: '' };
  const parts = dateParts(raw);
  if (!parts) return { date: '', problem: 'not a date in a known layout' };
  let [y, m, d] = parts;
  let problem: string | undefined;
  if (m > 12 && d >= 1 && d <= 12) {
    [d, m] = [m, d];
    problem = 'day and month were the wrong way round';
  }
  if (y < 1850 || y > 2100 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
    return { date: '', problem: 'not a real date' };
  }
  return { date: `${y}-${pad2(m)}-${pad2(d)}`, problem };
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const UK_POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/;

/**
 * A UK postcode in its standard layout ('SW1A 1AA'). Something that is not a UK postcode
 * (a foreign one, a typo) keeps its letters and digits so it can still be compared.
 */
const UK_POSTCODE_LAID_OUT = /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/;

export function normalisePostcode(value: string | undefined): { postcode: string; problem?: string } {
  if (!value) return { postcode: '' };
  if (UK_POSTCODE_LAID_OUT.test(value)) return { postcode: value };
  let compact = value.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (compact === '') return { postcode: '' };
  // a letter O typed for a zero at the start of the inward code
  if (compact.length >= 5 && compact[compact.length - 3] === 'O') {
    compact = `${compact.slice(0, -3)}0${compact.slice(-2)}`;
  }
  const match = UK_POSTCODE.exec(compact);
  if (match) return { postcode: `${match[1]} ${match[2]}` };
  return { postcode: compact, problem: 'not a UK postcode' };
}

/** The outward code of a UK postcode (the part before the space), or '' for anything else. */
export function outwardCode(postcode: string): string {
  const space = postcode.indexOf(' ');
  return space < 0 ? '' : postcode.slice(0, space);
}

/** A UK phone number as national digits (0 and 10 more digits); other numbers as their digits. */
export function normalisePhone(value: string | undefined): { phone: string; problem?: string } {
  if (!value) return { phone: '' };
  let digits = value.replace(/\(0\)/g, '').replace(/[^0-9+]/g, '');
  if (digits.startsWith('+44')) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith('0044')) digits = `0${digits.slice(4)}`;
  digits = digits.replace(/\+/g, '');
  if (digits === '') return { phone: '' };
  if (digits.length < 6 || digits.length > 15 || /^(\d)\1+$/.test(digits)) {
    return { phone: '', problem: 'not a phone number' };
  }
  if (digits.startsWith('0') && digits.length !== 11 && digits.length !== 10) {
    return { phone: digits, problem: 'not the length of a UK number' };
  }
  return { phone: digits };
}

/** Whether ten digits make a valid NHS number: modulus 11 check digit, not a placeholder. */
export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits) || /^(\d)\1{9}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (digits.charCodeAt(i) - 48) * (10 - i);
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  if (check === 10) return false;
  return check === digits.charCodeAt(9) - 48;
}

/** An NHS number as ten digits; one that fails its check digit is treated as missing and reported. */
export function normaliseNhsNumber(value: string | undefined): { nhsNumber: string; problem?: string } {
  if (!value) return { nhsNumber: '' };
  const digits = value.replace(/[\s-]/g, '');
  if (digits === '') return { nhsNumber: '' };
  if (!isValidNhsNumber(digits)) return { nhsNumber: '', problem: 'not a valid NHS number (check digit)' };
  return { nhsNumber: digits };
}

const STREET_WORDS: Record<string, string> = {
  street: 'st',
  road: 'rd',
  avenue: 'ave',
  av: 'ave',
  lane: 'ln',
  drive: 'dr',
  close: 'cl',
  crescent: 'cres',
  court: 'ct',
  place: 'pl',
  gardens: 'gdns',
  terrace: 'terr',
  square: 'sq',
  grove: 'gr',
  circuit: 'cct',
  parade: 'pde',
  highway: 'hwy',
  mount: 'mt',
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  apartment: 'flat',
  apt: 'flat',
  unit: 'flat',
};

const STREET_WORD = new RegExp(`\\b(?:${Object.keys(STREET_WORDS).join('|')})\\b`, 'g');

/** An address line: plain text, usual street words abbreviated the same way everywhere. */
export function normaliseAddress(value: string | undefined): string {
  if (!value) return '';
  return plainText(value).replace(STREET_WORD, (word) => STREET_WORDS[word] ?? word);
}

export function normaliseSex(value: string | undefined): '' | 'f' | 'm' {
  if (!value) return '';
  const v = value.trim().toLowerCase();
  if (v === 'f' || v === 'female' || v === 'woman' || v === '2') return 'f';
  if (v === 'm' || v === 'male' || v === 'man' || v === '1') return 'm';
  return '';
}

export function normaliseEmail(value: string | undefined): { email: string; problem?: string } {
  if (!value) return { email: '' };
  const email = value.trim().toLowerCase();
  if (email === '') return { email: '' };
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return { email: '', problem: 'not an email address' };
  return { email };
}

/** Identifiers without a check digit: upper-case letters and digits only. */
export function normaliseIdentifier(value: string | undefined): string {
  if (!value) return '';
  return value.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Normalises every field of a record, collecting what could not be used into `issues`. */
export function normaliseRecord(record: LinkageRecord, issues?: NormalisationIssue[]): NormalisedRecord {
  const report = (field: NormalisedField, problem: string | undefined) => {
    if (problem && issues) issues.push({ recordId: record.id, field, problem });
  };
  const dob = normaliseDate(record.dateOfBirth);
  report('dateOfBirth', dob.problem);
  const postcode = normalisePostcode(record.postcode);
  report('postcode', postcode.problem);
  const phone = normalisePhone(record.phone);
  report('phone', phone.problem);
  const nhs = normaliseNhsNumber(record.nhsNumber);
  report('nhsNumber', nhs.problem);
  const email = normaliseEmail(record.email);
  report('email', email.problem);
  return {
    firstName: normaliseGivenName(record.firstName),
    middleName: normaliseGivenName(record.middleName),
    lastName: normaliseFamilyName(record.lastName),
    dateOfBirth: dob.date,
    sex: normaliseSex(record.sex),
    addressLine: normaliseAddress(record.addressLine),
    town: plainText(record.town ?? ''),
    postcode: postcode.postcode,
    nhsNumber: nhs.nhsNumber,
    nationalInsuranceNumber: normaliseIdentifier(record.nationalInsuranceNumber),
    phone: phone.phone,
    email: email.email,
  };
}
