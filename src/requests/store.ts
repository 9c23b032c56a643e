// SQL for cases and their updates: the tables every part of the front door reads and writes.
// A part's own tables (referrals, routing overrides, Open311 keys, drafts, teams, photos) have
// their SQL in its own store.ts.
import { type Generated, type Insertable, type Selectable, sql } from 'kysely';
import type { Db } from '../db/index.ts';

export type CaseStatus = 'open' | 'in_progress' | 'resolved' | 'closed';

type CasesTables = {
  cases: {
    id: Generated<string>;
    reference: string;
    token: Generated<string>;
    service_code: string;
    organisation_id: string;
    area_id: string | null;
    route_basis: 'coverage' | 'override' | 'referral';
    lat: number;
    lon: number;
    address_string: string | null;
    address_id: string | null;
    description: string | null;
    attributes: Record<string, unknown>;
    media_url: string | null;
    email: string | null;
    first_name: string | null;
    last_name: string | null;
    phone: string | null;
    device_id: string | null;
    account_ref: string | null;
    citizen_account_id: string | null;
    api_key_id: string | null;
    marking_level: Generated<number>;
    status: Generated<CaseStatus>;
    status_reason: string | null;
    assignee_account_id: string | null;
    team: string | null;
    duplicate_of: string | null;
    requested_at: Date;
    updated_at: Date;
    expected_at: Date | null;
    escalated: Generated<number>;
    version: Generated<number>;
  };
  case_updates: {
    id: Generated<string>;
    case_id: string;
    kind: 'public' | 'internal';
    body: string;
    status: CaseStatus | null;
    organisation_id: string | null;
    author_account_id: string | null;
    created_at: Date;
  };
  referrals: {
    id: Generated<string>;
    case_id: string;
    from_organisation_id: string;
    to_organisation_id: string;
    purpose: string;
    agreement_id: string;
    note: string;
    status: Generated<'pending' | 'accepted' | 'declined'>;
    decision_reason: string | null;
    created_by: string;
    created_at: Date;
    decided_by: string | null;
    decided_at: Date | null;
  };
  organisations: { id: string; ref: string; name: string };
  areas: { id: string; ref: string; name: string };
  services: { code: string; name: string };
  accounts: { id: string; name: string };
};

const tables = (db: Db) => db.withTables<CasesTables>();

export type NewCaseRow = Insertable<CasesTables['cases']>;
export type CaseRow = Selectable<CasesTables['cases']> & {
  organisation: string;
  organisation_name: string;
  service_name: string;
  area: string | null;
  /** Organisations (ids) the case is referred to, the referral pending or accepted. */
  referred_to: string[];
};
export type UpdateRow = Selectable<CasesTables['case_updates']> & {
  organisation: string | null;
  organisation_name: string | null;
  author_name: string | null;
};

/** Cases with their organisation, service, area and the organisations they are referred to. */
export function selectCases(db: Db) {
  return tables(db)
    .selectFrom('cases as c')
    .innerJoin('organisations as o', 'o.id', 'c.organisation_id')
    .innerJoin('services as s', 's.code', 'c.service_code')
    .leftJoin('areas as a', 'a.id', 'c.area_id')
    .selectAll('c')
    .select([
      'o.ref as organisation',
      'o.name as organisation_name',
      's.name as service_name',
      'a.ref as area',
    ])
    .select(
      sql<string[]>`array(SELECT r.to_organisation_id::text FROM referrals r
        WHERE r.case_id = c.id AND r.status IN ('pending', 'accepted'))`.as('referred_to'),
    );
}

export async function findCase(db: Db, by: { id?: string; reference?: string; token?: string }) {
  let query = selectCases(db);
  if (by.id) query = query.where('c.id', '=', by.id);
  else if (by.reference) query = query.where('c.reference', '=', by.reference);
  else if (by.token) query = query.where('c.token', '=', by.token);
  else return null;
  return ((await query.executeTakeFirst()) as CaseRow | undefined) ?? null;
}

export async function updatesOf(db: Db, caseId: string, kinds: ('public' | 'internal')[]) {
  return (await tables(db)
    .selectFrom('case_updates as u')
    .leftJoin('organisations as o', 'o.id', 'u.organisation_id')
    .leftJoin('accounts as p', 'p.id', 'u.author_account_id')
    .selectAll('u')
    .select(['o.ref as organisation', 'o.name as organisation_name', 'p.name as author_name'])
    .where('u.case_id', '=', caseId)
    .where('u.kind', 'in', kinds)
    .orderBy('u.id')
    .execute()) as UpdateRow[];
}

export async function insertUpdate(db: Db, row: Insertable<CasesTables['case_updates']>) {
  await tables(db).insertInto('case_updates').values(row).execute();
}

export async function changeCase(
  db: Db,
  id: string,
  changes: Partial<
    Pick<
      Selectable<CasesTables['cases']>,
      'status' | 'status_reason' | 'assignee_account_id' | 'team' | 'escalated' | 'duplicate_of'
    >
  >,
  now: Date,
  version?: number,
): Promise<boolean> {
  let query = tables(db)
    .updateTable('cases')
    .set({ ...changes, updated_at: now, version: sql`version + 1` })
    .where('id', '=', id);
  if (version !== undefined) query = query.where('version', '=', version);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The ids of the reports joined to a case, oldest first. */
export async function joinedTo(db: Db, caseId: string): Promise<string[]> {
  const rows = await tables(db)
    .selectFrom('cases')
    .select('id')
    .where('duplicate_of', '=', caseId)
    .orderBy('requested_at')
    .limit(200)
    .execute();
  return rows.map((r) => r.id);
}
