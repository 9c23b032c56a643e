// SQL for cases and their updates: the tables every part of the front door reads and writes.
// A part's own tables (referrals, routing overrides, Open311 keys, drafts, teams, photos) have
// their SQL in its own store.ts.
import { type Insertable, type Selectable, sql } from 'kysely';
import type { DB, Db } from '../db/index.ts';
import type { ReferralFacts } from './access.ts';

export type CaseStatus = Selectable<DB['cases']>['status'];

export type NewCaseRow = Insertable<DB['cases']>;
export type CaseRow = Selectable<DB['cases']> & {
  organisation: string;
  organisation_name: string;
  service_name: string;
  area: string | null;
  /** Every referral of the case, oldest first, whatever its state. */
  referrals: ReferralFacts[];
};
/** An update of a case: its organisation and author by id (places and identity have their names). */
export type UpdateRow = Selectable<DB['case_updates']>;

/**
 * Cases with their organisation, service, area and referrals. The
 * joins into places' tables are kept for speed: docs/decisions/0006-joins-across-owners.md.
 */
export function selectCases(db: Db) {
  return db
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
      sql<ReferralFacts[]>`coalesce((SELECT json_agg(json_build_object('id', r.id, 'to', r.to_organisation_id,
        'status', r.status, 'purpose', r.purpose, 'agreement', r.agreement_id) ORDER BY r.created_at, r.id)
        FROM referrals r WHERE r.case_id = c.id), '[]')`.as('referrals'),
    );
}

export async function findCase(
  db: Db,
  by: { id?: string; reference?: string; token?: string },
): Promise<CaseRow | null> {
  let query = selectCases(db);
  if (by.id) query = query.where('c.id', '=', by.id);
  else if (by.reference) query = query.where('c.reference', '=', by.reference);
  else if (by.token) query = query.where('c.token', '=', by.token);
  else return null;
  return (await query.executeTakeFirst()) ?? null;
}

export async function updatesOf(
  db: Db,
  caseId: string,
  kinds: ('public' | 'internal')[],
): Promise<UpdateRow[]> {
  return db
    .selectFrom('case_updates')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('kind', 'in', kinds)
    .orderBy('id')
    .execute();
}

export async function insertUpdate(db: Db, row: Insertable<DB['case_updates']>) {
  await db.insertInto('case_updates').values(row).execute();
}

export async function changeCase(
  db: Db,
  id: string,
  changes: Partial<
    Pick<
      Selectable<DB['cases']>,
      | 'status'
      | 'status_reason'
      | 'assignee_account_id'
      | 'team'
      | 'escalated'
      | 'escalated_at'
      | 'duplicate_of'
    >
  >,
  now: Date,
  version?: number,
): Promise<boolean> {
  let query = db
    .updateTable('cases')
    .set({ ...changes, updated_at: now, version: sql`version + 1` })
    .where('id', '=', id);
  if (version !== undefined) query = query.where('version', '=', version);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The ids of the reports joined to a case, oldest first. */
export async function joinedTo(db: Db, caseId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('cases')
    .select('id')
    .where('duplicate_of', '=', caseId)
    .orderBy('requested_at')
    .limit(200)
    .execute();
  return rows.map((r) => r.id);
}
