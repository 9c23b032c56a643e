// Pure: the rows of an organisation's file of people, checked one by one. A row with a
// problem that makes it unusable is rejected (row, field, reason) while the others load; an
// invalid NHS number or UPRN is reported and the row is stored without it, never as valid.
import { parseMarking } from '../../governance/index.ts';
import { cleanFields, type NewRecordRow } from '../records/index.ts';

/** The columns a file of people may have, by the name Flagstone gives them. */
export const PEOPLE_COLUMNS = [
  'local_ref',
  'given_names',
  'family_name',
  'date_of_birth',
  'address_line',
  'town',
  'postcode',
  'uprn',
  'nhs_number',
  'phone',
  'email',
  'marking',
  'handling',
] as const;
export type PeopleColumn = (typeof PEOPLE_COLUMNS)[number];
export const REQUIRED_PEOPLE_COLUMNS: readonly PeopleColumn[] = ['local_ref', 'given_names', 'family_name'];

export type ColumnMapping = Partial<Record<PeopleColumn, string>>;

/** Reads "local_ref=Client ID,given_names=Forename" into a mapping, naming anything wrong. */
export function parseColumnMapping(text: string | undefined): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const part of (text ?? '').split(',').filter((p) => p.trim())) {
    const at = part.indexOf('=');
    const ours = part.slice(0, at).trim();
    const theirs = part.slice(at + 1).trim();
    if (at < 0 || !theirs)
      throw new Error(`a column mapping is ours=theirs, like local_ref=ClientID: "${part}"`);
    if (!(PEOPLE_COLUMNS as readonly string[]).includes(ours)) {
      throw new Error(`there is no column "${ours}" to map: the columns are ${PEOPLE_COLUMNS.join(', ')}`);
    }
    mapping[ours as PeopleColumn] = theirs;
  }
  return mapping;
}

/**
 * Where each of our columns is in the file's header: refuses (naming them) when a required
 * column is missing, before a single row is read.
 */
export function columnPositions(header: readonly string[], mapping: ColumnMapping = {}) {
  const clean = header.map((h) =>
    h
      .trim()
      .replace(/^\uFEFF/, '')
      .toLowerCase(),
  );
  const positions = new Map<PeopleColumn, number>();
  for (const column of PEOPLE_COLUMNS) {
    const name = (mapping[column] ?? column).toLowerCase();
    const at = clean.indexOf(name);
    if (at >= 0) positions.set(column, at);
  }
  const missing = REQUIRED_PEOPLE_COLUMNS.filter((c) => !positions.has(c)).map((c) => mapping[c] ?? c);
  return { positions, missing };
}

export interface RowProblem {
  /** the line of the file (the header is line 1), or the index of the record in an API batch */
  row: number;
  field: string;
  reason: string;
}

/** A row ready to store, in the columns of local_records. */
export type CheckedRow = Omit<NewRecordRow, 'organisation_id' | 'subject_account_id'>;

const LIMITS: Partial<Record<PeopleColumn, number>> = {
  local_ref: 100,
  given_names: 200,
  family_name: 200,
  address_line: 300,
  town: 100,
  phone: 30,
  email: 254,
};

/** Checks one row (values by our column names): the row to store, or why it is rejected. */
export function checkRow(
  values: Partial<Record<PeopleColumn, string>>,
  row: number,
  today: string,
  defaultMarking = 'OFFICIAL',
): { ok: CheckedRow | null; rejected: RowProblem[]; dropped: RowProblem[] } {
  const rejected: RowProblem[] = [];
  const dropped: RowProblem[] = [];
  const text = (c: PeopleColumn) => values[c]?.trim() || null;
  for (const [column, limit] of Object.entries(LIMITS) as [PeopleColumn, number][]) {
    if ((text(column)?.length ?? 0) > limit)
      rejected.push({ row, field: column, reason: `longer than ${limit} characters` });
  }
  if (!text('local_ref')) rejected.push({ row, field: 'local_ref', reason: 'the reference is missing' });
  const rawUprn = text('uprn');
  let uprn: number | null = null;
  if (rawUprn) {
    if (/^\d{1,12}$/.test(rawUprn) && Number(rawUprn) > 0) uprn = Number(rawUprn);
    else
      dropped.push({
        row,
        field: 'uprn',
        reason: 'not a UPRN (a whole number of up to 12 digits): stored without it',
      });
  }
  const { values: clean, errors } = cleanFields(
    {
      givenNames: values.given_names ?? '',
      familyName: values.family_name ?? '',
      dateOfBirth: text('date_of_birth'),
      addressLine: text('address_line'),
      town: text('town'),
      postcode: text('postcode'),
      nhsNumber: text('nhs_number'),
      phone: text('phone'),
      email: text('email'),
    },
    today,
  );
  const fieldNames: Record<string, PeopleColumn> = {
    givenNames: 'given_names',
    familyName: 'family_name',
    dateOfBirth: 'date_of_birth',
    nhsNumber: 'nhs_number',
  };
  for (const error of errors) {
    const field = fieldNames[error.field] ?? (error.field as PeopleColumn);
    if (field === 'nhs_number')
      dropped.push({ row, field, reason: 'not a valid NHS number (check digit): stored without it' });
    else rejected.push({ row, field, reason: error.message });
  }
  let marking: ReturnType<typeof parseMarking> | null = null;
  try {
    marking = parseMarking(text('marking') ?? defaultMarking, text('handling'));
  } catch (error) {
    for (const f of (error as { fields?: { field: string; message: string }[] }).fields ?? []) {
      rejected.push({ row, field: f.field, reason: f.message });
    }
  }
  if (rejected.length > 0 || !marking) {
    // the row is not loaded at all: its invalid identifiers are among the reasons, not "stored without"
    const reasons = dropped.map((d) => ({ ...d, reason: d.reason.replace(': stored without it', '') }));
    return { ok: null, rejected: [...rejected, ...reasons], dropped: [] };
  }
  return {
    ok: {
      local_ref: text('local_ref') as string,
      given_names: clean.givenNames as string,
      family_name: clean.familyName as string,
      date_of_birth: clean.dateOfBirth ?? null,
      address_line: clean.addressLine ?? null,
      town: clean.town ?? null,
      postcode: clean.postcode ?? null,
      uprn,
      nhs_number: dropped.some((d) => d.field === 'nhs_number') ? null : (clean.nhsNumber ?? null),
      phone: clean.phone ?? null,
      email: clean.email ?? null,
      marking: marking.marking,
      handling: marking.handling,
    },
    rejected,
    dropped,
  };
}

/** The values of one CSV row by our column names. */
export function rowValues(cells: readonly string[], positions: Map<PeopleColumn, number>) {
  const values: Partial<Record<PeopleColumn, string>> = {};
  for (const [column, at] of positions) values[column] = cells[at] ?? '';
  return values;
}
