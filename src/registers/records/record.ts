// Pure checks and normal forms of the fields of a person record.
import type { FieldError } from '../../platform/index.ts';

const POSTCODE = /^([A-Z]{1,2}[0-9][0-9A-Z]?) ?([0-9][A-Z]{2})$/;

/** A UK postcode in its normal form ("SW1A 1AA"), or null when it is not one. */
export function normalPostcode(value: string): string | null {
  const match = POSTCODE.exec(value.toUpperCase().replace(/\s+/g, ''));
  return match ? `${match[1]} ${match[2]}` : null;
}

/** NHS numbers carry a modulus 11 check digit. */
export function validNhsNumber(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

/** The registers hold no one born on or before this day (the database's check says the same). */
const EARLIEST_BIRTH = '1880-01-01';

export function validDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

export interface RecordFields {
  givenNames?: string;
  familyName?: string;
  dateOfBirth?: string | null;
  addressLine?: string | null;
  town?: string | null;
  postcode?: string | null;
  uprn?: number | null;
  nhsNumber?: string | null;
  phone?: string | null;
  email?: string | null;
}

/** Checks and normalises the fields given; returns the clean values and every error. */
export function cleanFields(
  input: RecordFields,
  today: string,
): { values: RecordFields; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const values: RecordFields = {};
  const text = (v: string | null | undefined) =>
    v === undefined ? undefined : v === null ? null : v.trim() || null;
  if (input.givenNames !== undefined) {
    values.givenNames = input.givenNames.trim();
    if (!values.givenNames) errors.push({ field: 'givenNames', message: 'Enter the given names' });
  }
  if (input.familyName !== undefined) {
    values.familyName = input.familyName.trim();
    if (!values.familyName) errors.push({ field: 'familyName', message: 'Enter the family name' });
  }
  const dob = text(input.dateOfBirth);
  if (dob !== undefined) {
    if (dob && !validDate(dob))
      errors.push({ field: 'dateOfBirth', message: 'Enter a real date of birth, like 1984-03-27' });
    else if (dob && dob > today)
      errors.push({ field: 'dateOfBirth', message: 'The date of birth must be in the past' });
    else if (dob && dob <= EARLIEST_BIRTH)
      errors.push({ field: 'dateOfBirth', message: 'The date of birth must be after 1 January 1880' });
    values.dateOfBirth = dob;
  }
  const postcode = text(input.postcode);
  if (postcode !== undefined) {
    const normal = postcode ? normalPostcode(postcode) : null;
    if (postcode && !normal)
      errors.push({ field: 'postcode', message: 'Enter a real postcode, like AV1 2BC' });
    values.postcode = normal;
  }
  const nhs = text(input.nhsNumber);
  if (nhs !== undefined) {
    if (nhs && !validNhsNumber(nhs))
      errors.push({ field: 'nhsNumber', message: 'Enter a valid 10-digit NHS number' });
    values.nhsNumber = nhs ? nhs.replace(/[\s-]/g, '') : null;
  }
  if (input.uprn !== undefined) {
    if (input.uprn !== null && !(Number.isInteger(input.uprn) && input.uprn > 0 && input.uprn < 1e12)) {
      errors.push({ field: 'uprn', message: 'A UPRN is a whole number of up to 12 digits' });
    }
    values.uprn = input.uprn;
  }
  const email = text(input.email);
  if (email !== undefined) {
    if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      errors.push({
        field: 'email',
        message: 'Enter an email address in the correct format, like name@example.com',
      });
    }
    values.email = email;
  }
  for (const field of ['addressLine', 'town', 'phone'] as const) {
    const v = text(input[field]);
    if (v !== undefined) values[field] = v;
  }
  return { values, errors };
}
