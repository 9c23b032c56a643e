// SQL for local person records and correction requests, nothing else.
import { type Insertable, type Selectable, sql } from 'kysely';
import type { DB, Db } from '../../db/index.ts';

export type RecordRow = Selectable<DB['local_records']> & {
  organisation: string;
  organisation_name: string;
  /** the golden person the record was linked to (null until linkage has run over it) */
  person_id?: string | null;
};
/** A record as its holder gives it: every column but those the database fills in. */
export type NewRecordRow = Required<
  Omit<Insertable<DB['local_records']>, 'id' | 'marking_level' | 'version' | 'created_at' | 'updated_at'>
>;

/** A record with its holder's ref and name: the one join registers keeps into places' tables. */
function selectRecords(db: Db) {
  return db
    .selectFrom('local_records as r')
    .innerJoin('organisations as o', 'o.id', 'r.organisation_id')
    .leftJoin('person_links as l', 'l.record_id', 'r.id')
    .selectAll('r')
    .select(['o.ref as organisation', 'o.name as organisation_name', 'l.person_id']);
}

export async function insertRecord(db: Db, row: NewRecordRow): Promise<string | null> {
  const inserted = await db
    .insertInto('local_records')
    .values(row)
    .onConflict((c) => c.columns(['organisation_id', 'local_ref']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

export async function findRecord(db: Db, id: string, forUpdate = false): Promise<RecordRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  let query = selectRecords(db).where('r.id', '=', id);
  if (forUpdate) query = query.forUpdate('r');
  return query.executeTakeFirst();
}

export async function updateRecord(
  db: Db,
  id: string,
  changes: Partial<NewRecordRow>,
  expectedVersion?: number,
): Promise<boolean> {
  let query = db
    .updateTable('local_records')
    .set({ ...changes, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id);
  if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface SearchFilters {
  name?: string;
  dateOfBirth?: string;
  postcode?: string;
  identifier?: string;
}

export interface Scope {
  citizenAccountId: string | null;
  withheldFromCitizen: NonNullable<NewRecordRow['handling']>[];
  organisations: [string, number][];
}

/** Records matching the filters that the scope lets the asker see (the SQL twin of `authorize`). */
export async function searchRecords(
  db: Db,
  scope: Scope,
  filters: SearchFilters,
  limit = 50,
): Promise<RecordRow[]> {
  let query = selectRecords(db)
    .orderBy('r.family_name')
    .orderBy('r.given_names')
    .orderBy('r.id')
    .limit(limit);
  if (scope.citizenAccountId) {
    query = query.where('r.subject_account_id', '=', scope.citizenAccountId);
    if (scope.withheldFromCitizen.length > 0) {
      query = query.where((eb) =>
        eb.or([eb('r.handling', 'is', null), eb('r.handling', 'not in', scope.withheldFromCitizen)]),
      );
    }
  } else {
    if (scope.organisations.length === 0) return [];
    const orgs = scope.organisations.map(([o]) => o);
    const levels = scope.organisations.map(([, l]) => l);
    query = query.where(
      sql<boolean>`EXISTS (SELECT 1 FROM unnest(${orgs}::uuid[], ${levels}::int[]) AS s(organisation_id, level)
        WHERE s.organisation_id = r.organisation_id AND r.marking_level <= s.level)`,
    );
  }
  for (const word of (filters.name ?? '').toLowerCase().split(/\s+/).filter(Boolean)) {
    const pattern = `${word.replace(/[\\%_]/g, '\\$&')}%`;
    query = query.where((eb) =>
      eb.or([eb(sql`lower(r.family_name)`, 'like', pattern), eb(sql`lower(r.given_names)`, 'like', pattern)]),
    );
  }
  if (filters.dateOfBirth) query = query.where('r.date_of_birth', '=', filters.dateOfBirth);
  if (filters.postcode) query = query.where('r.postcode', '=', filters.postcode);
  if (filters.identifier) {
    const id = filters.identifier.replace(/[\s-]/g, '');
    query = query.where((eb) =>
      eb.or([
        eb('r.nhs_number', '=', id),
        eb('r.local_ref', '=', filters.identifier as string),
        ...(/^\d{1,12}$/.test(id) ? [eb('r.uprn', '=', Number(id))] : []),
      ]),
    );
  }
  return query.execute();
}

/** Every record about one citizen, whatever its marking: for counting what is withheld. */
export async function recordsAbout(db: Db, accountId: string): Promise<RecordRow[]> {
  return selectRecords(db)
    .where('r.subject_account_id', '=', accountId)
    .orderBy('o.name')
    .orderBy('r.id')
    .execute();
}

export async function insertCorrection(
  db: Db,
  recordId: string,
  accountId: string,
  details: string,
): Promise<string> {
  const row = await db
    .insertInto('correction_requests')
    .values({ record_id: recordId, account_id: accountId, details })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function correctionsFor(db: Db, recordId: string) {
  return db
    .selectFrom('correction_requests')
    .select(['id', 'details', 'status', 'created_at as createdAt'])
    .where('record_id', '=', recordId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** For tests of the SQL filter: the bare facts of records, written and read without a use-case. */
export const recordsForTesting = {
  async insert(
    db: Db,
    r: {
      organisationId: string;
      localRef: string;
      marking: NewRecordRow['marking'];
      handling: NewRecordRow['handling'];
      subjectAccountId: string | null;
    },
  ) {
    await db
      .insertInto('local_records')
      .values({
        organisation_id: r.organisationId,
        local_ref: r.localRef,
        given_names: 'Test',
        family_name: 'Person',
        date_of_birth: null,
        address_line: null,
        town: null,
        postcode: null,
        uprn: null,
        nhs_number: null,
        phone: null,
        email: null,
        subject_account_id: r.subjectAccountId,
        marking: r.marking,
        handling: r.handling,
      })
      .execute();
  },
  search: (db: Db, scope: Scope) => searchRecords(db, scope, {}, 10_000),
  async all(db: Db) {
    const rows = await selectRecords(db).execute();
    return rows.map((row) => ({
      id: row.id,
      organisationId: row.organisation_id,
      organisationRef: row.organisation,
      markingLevel: row.marking_level,
      handling: row.handling,
      subjectAccountId: row.subject_account_id,
    }));
  },
};

export type UpsertRow = Omit<NewRecordRow, 'organisation_id'>;

/**
 * Inserts records, or updates the organisation's record with the same reference when any value
 * differs (its version moves on, so linkage sees it as changed). Unchanged rows are untouched,
 * so loading a file twice, or again after an interruption, ends in the same state.
 */
export async function upsertRecords(
  db: Db,
  organisationId: string,
  rows: UpsertRow[],
): Promise<{ id: string; local_ref: string; inserted: boolean }[]> {
  if (rows.length === 0) return [];
  const columns = [
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
    'subject_account_id',
    'marking',
    'handling',
  ] as const;
  const result = await sql<{ id: string; local_ref: string; inserted: boolean }>`
    INSERT INTO local_records AS r (organisation_id, local_ref, ${sql.join(columns.map((c) => sql.ref(c)))})
    VALUES ${sql.join(
      rows.map(
        (row) => sql`(${organisationId}, ${row.local_ref}, ${sql.join(columns.map((c) => sql`${row[c]}`))})`,
      ),
    )}
    ON CONFLICT (organisation_id, local_ref) DO UPDATE SET
      ${sql.join(columns.map((c) => sql`${sql.ref(c)} = EXCLUDED.${sql.ref(c)}`))},
      version = r.version + 1, updated_at = now()
    WHERE (${sql.join(columns.map((c) => sql`r.${sql.ref(c)}`))})
      IS DISTINCT FROM (${sql.join(columns.map((c) => sql`EXCLUDED.${sql.ref(c)}`))})
    RETURNING r.id, r.local_ref, (r.xmax = 0) AS inserted`.execute(db);
  return result.rows;
}

/** The existing records of an organisation with these references (for deciding create or update). */
export async function recordsByRef(db: Db, organisationId: string, refs: string[]) {
  if (refs.length === 0) return [];
  return selectRecords(db)
    .where('r.organisation_id', '=', organisationId)
    .where('r.local_ref', 'in', refs)
    .execute();
}

/**
 * Records that may be the person described, as the engine's blocking would pair them: the same
 * NHS number, email, date of birth or postcode, or the same surname born within a year of the
 * date given (a surname alone only when no date is given). A surname alone would fill the list
 * with namesakes of a common name; with the year, the indexes on surname and date of birth
 * meet (a bitmap AND) and only a few hundred rows are read.
 */
export async function matchCandidates(
  db: Db,
  q: { familyName?: string; dateOfBirth?: string; postcode?: string; nhsNumber?: string; email?: string },
  limit = 500,
): Promise<RecordRow[]> {
  const or = [
    q.nhsNumber ? sql<boolean>`r.nhs_number = ${q.nhsNumber}` : null,
    q.email ? sql<boolean>`lower(r.email) = lower(${q.email})` : null,
    q.dateOfBirth ? sql<boolean>`r.date_of_birth = ${q.dateOfBirth}::date` : null,
    q.postcode ? sql<boolean>`r.postcode = ${q.postcode}` : null,
    q.familyName && q.dateOfBirth
      ? sql<boolean>`(lower(r.family_name) = lower(${q.familyName})
          AND r.date_of_birth BETWEEN ${q.dateOfBirth}::date - interval '1 year' AND ${q.dateOfBirth}::date + interval '1 year')`
      : null,
    q.familyName && !q.dateOfBirth ? sql<boolean>`lower(r.family_name) = lower(${q.familyName})` : null,
  ].filter((c) => c !== null);
  if (or.length === 0) return [];
  return selectRecords(db)
    .where(sql<boolean>`(${sql.join(or, sql` OR `)})`)
    .limit(limit)
    .execute();
}
