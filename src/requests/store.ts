// SQL for cases, their updates and referrals, routing overrides, Open311 keys and report drafts.
import { type Generated, type Insertable, type Selectable, sql } from 'kysely';
import { type Db, insertRows } from '../db/index.ts';

export type CaseStatus = 'open' | 'in_progress' | 'resolved' | 'closed';

type RequestsTables = {
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
  routing_overrides: {
    service_code: string;
    area_id: string;
    organisation_id: string;
    reason: string;
    set_by: string;
    set_at: Date;
  };
  open311_api_keys: {
    id: Generated<string>;
    name: string;
    key_hash: string;
    created_at: Generated<Date>;
    revoked_at: Date | null;
  };
  report_drafts: { token_hash: string; answers: Record<string, unknown>; expires_at: Date };
  organisations: { id: string; ref: string; name: string };
  areas: { id: string; ref: string; name: string };
  services: { code: string; name: string };
  accounts: { id: string; name: string };
};

const tables = (db: Db) => db.withTables<RequestsTables>();

export type NewCaseRow = Insertable<RequestsTables['cases']>;
export type CaseRow = Selectable<RequestsTables['cases']> & {
  organisation: string;
  organisation_name: string;
  service_name: string;
  area: string | null;
  /** Organisations (ids) the case is referred to, the referral pending or accepted. */
  referred_to: string[];
};
export type UpdateRow = Selectable<RequestsTables['case_updates']> & {
  organisation: string | null;
  organisation_name: string | null;
  author_name: string | null;
};
export type ReferralRow = Selectable<RequestsTables['referrals']> & {
  from_ref: string;
  from_name: string;
  to_ref: string;
  to_name: string;
};

function selectCases(db: Db) {
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

/** Inserts cases; a row whose reference is already taken is left out of the answer. */
export async function insertCases(db: Db, rows: NewCaseRow[]) {
  if (rows.length === 0) return [];
  const { rows: stored } = await sql<{
    id: string;
    token: string;
    reference: string;
  }>`${insertRows('cases', rows)}
    ON CONFLICT (reference) DO NOTHING RETURNING id, token, reference`.execute(db);
  return stored;
}

export async function findCase(db: Db, by: { id?: string; reference?: string; token?: string }) {
  let query = selectCases(db);
  if (by.id) query = query.where('c.id', '=', by.id);
  else if (by.reference) query = query.where('c.reference', '=', by.reference);
  else if (by.token) query = query.where('c.token', '=', by.token);
  else return null;
  return ((await query.executeTakeFirst()) as CaseRow | undefined) ?? null;
}

export interface PublicFilter {
  references?: string[];
  services?: string[];
  statuses?: CaseStatus[];
  from?: Date;
  to?: Date;
  limit: number;
}

/** Cases for the public (Open311 GET), reports joined to another left out: the caller maps only the public columns out. */
export async function publicCases(db: Db, filter: PublicFilter): Promise<CaseRow[]> {
  let query = selectCases(db).where('c.duplicate_of', 'is', null);
  if (filter.references) query = query.where('c.reference', 'in', filter.references);
  if (filter.services) query = query.where('c.service_code', 'in', filter.services);
  if (filter.statuses) query = query.where('c.status', 'in', filter.statuses);
  if (filter.from) query = query.where('c.requested_at', '>=', filter.from);
  if (filter.to) query = query.where('c.requested_at', '<=', filter.to);
  return (await query.orderBy('c.requested_at', 'desc').limit(filter.limit).execute()) as CaseRow[];
}

export interface InboxFilter {
  service?: string;
  status?: CaseStatus;
  area?: string;
  /** An account id, or `none` for cases assigned to nobody. */
  assignee?: string;
  team?: string;
  overdue?: boolean;
}

/** Cases held by, or referred to, these organisations (reports joined to another case are shown on it). */
export async function inbox(db: Db, organisationIds: string[], filter: InboxFilter, now: Date) {
  if (organisationIds.length === 0) return [];
  let query = selectCases(db)
    .where('c.duplicate_of', 'is', null)
    .where((eb) =>
      eb.or([
        eb('c.organisation_id', 'in', organisationIds),
        eb.exists(
          eb
            .selectFrom('referrals as r')
            .select('r.id')
            .whereRef('r.case_id', '=', 'c.id')
            .where('r.to_organisation_id', 'in', organisationIds)
            .where('r.status', 'in', ['pending', 'accepted']),
        ),
      ]),
    );
  if (filter.service) query = query.where('c.service_code', '=', filter.service);
  if (filter.status) query = query.where('c.status', '=', filter.status);
  if (filter.area) query = query.where('a.ref', '=', filter.area);
  if (filter.assignee === 'none') query = query.where('c.assignee_account_id', 'is', null);
  else if (filter.assignee) query = query.where('c.assignee_account_id', '=', filter.assignee);
  if (filter.team === 'none') query = query.where('c.team', 'is', null);
  else if (filter.team) query = query.where('c.team', '=', filter.team);
  if (filter.overdue)
    query = query.where('c.expected_at', '<', now).where('c.status', 'in', ['open', 'in_progress']);
  return (await query.orderBy('c.requested_at', 'desc').limit(500).execute()) as CaseRow[];
}

export async function casesOfCitizen(db: Db, accountId: string) {
  return (await selectCases(db)
    .where('c.citizen_account_id', '=', accountId)
    .orderBy('c.requested_at', 'desc')
    .limit(500)
    .execute()) as CaseRow[];
}

/** Open cases of a service within a box around a point, nearest first. */
export async function nearbyOpen(db: Db, service: string, lat: number, lon: number, degrees: number) {
  return (await selectCases(db)
    .where('c.service_code', '=', service)
    .where('c.status', 'in', ['open', 'in_progress'])
    .where('c.lat', '>=', lat - degrees)
    .where('c.lat', '<=', lat + degrees)
    .where('c.lon', '>=', lon - degrees * 1.6)
    .where('c.lon', '<=', lon + degrees * 1.6)
    .orderBy(sql`(c.lat - ${lat})^2 + ((c.lon - ${lon}) * 0.61)^2`)
    .limit(5)
    .execute()) as CaseRow[];
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

export async function insertUpdate(db: Db, row: Insertable<RequestsTables['case_updates']>) {
  await tables(db).insertInto('case_updates').values(row).execute();
}

export async function changeCase(
  db: Db,
  id: string,
  changes: Partial<
    Pick<
      Selectable<RequestsTables['cases']>,
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

export async function insertReferral(db: Db, row: Insertable<RequestsTables['referrals']>) {
  const inserted = await tables(db)
    .insertInto('referrals')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

function selectReferrals(db: Db) {
  return tables(db)
    .selectFrom('referrals as r')
    .innerJoin('organisations as f', 'f.id', 'r.from_organisation_id')
    .innerJoin('organisations as t', 't.id', 'r.to_organisation_id')
    .selectAll('r')
    .select(['f.ref as from_ref', 'f.name as from_name', 't.ref as to_ref', 't.name as to_name']);
}

export async function referralsOf(db: Db, caseId: string) {
  return (await selectReferrals(db)
    .where('r.case_id', '=', caseId)
    .orderBy('r.created_at')
    .execute()) as ReferralRow[];
}

export async function findReferral(db: Db, id: string) {
  return (
    ((await selectReferrals(db).where('r.id', '=', id).executeTakeFirst()) as ReferralRow | undefined) ?? null
  );
}

export async function decideReferral(
  db: Db,
  id: string,
  decision: { status: 'accepted' | 'declined'; reason: string | null; by: string; at: Date },
): Promise<boolean> {
  const result = await tables(db)
    .updateTable('referrals')
    .set({
      status: decision.status,
      decision_reason: decision.reason,
      decided_by: decision.by,
      decided_at: decision.at,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function overrides(db: Db) {
  return tables(db)
    .selectFrom('routing_overrides as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .innerJoin('organisations as o', 'o.id', 'r.organisation_id')
    .select(['r.service_code as service', 'a.ref as area', 'o.ref as organisation', 'r.reason', 'r.set_at'])
    .orderBy('r.service_code')
    .orderBy('a.ref')
    .execute();
}

export async function setOverride(db: Db, row: RequestsTables['routing_overrides']) {
  await tables(db)
    .insertInto('routing_overrides')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['service_code', 'area_id']).doUpdateSet({
        organisation_id: row.organisation_id,
        reason: row.reason,
        set_by: row.set_by,
        set_at: row.set_at,
      }),
    )
    .execute();
}

export async function removeOverride(db: Db, service: string, areaId: string): Promise<boolean> {
  const result = await tables(db)
    .deleteFrom('routing_overrides')
    .where('service_code', '=', service)
    .where('area_id', '=', areaId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function areaIds(db: Db): Promise<Map<string, string>> {
  const rows = await tables(db).selectFrom('areas').select(['id', 'ref']).execute();
  return new Map(rows.map((r) => [r.ref, r.id]));
}

export async function findApiKey(db: Db, keyHash: string) {
  return (
    (await tables(db)
      .selectFrom('open311_api_keys')
      .select(['id', 'name'])
      .where('key_hash', '=', keyHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()) ?? null
  );
}

export async function insertApiKey(db: Db, name: string, keyHash: string) {
  return (
    await tables(db)
      .insertInto('open311_api_keys')
      .values({ name, key_hash: keyHash, revoked_at: null })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

export async function draft(db: Db, tokenHash: string, now: Date) {
  const row = await tables(db)
    .selectFrom('report_drafts')
    .select('answers')
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row?.answers ?? null;
}

export async function saveDraft(db: Db, tokenHash: string, answers: Record<string, unknown>, expires: Date) {
  await tables(db)
    .insertInto('report_drafts')
    .values({ token_hash: tokenHash, answers: JSON.stringify(answers) as never, expires_at: expires })
    .onConflict((oc) =>
      oc.column('token_hash').doUpdateSet({ answers: JSON.stringify(answers) as never, expires_at: expires }),
    )
    .execute();
}

export async function removeDraft(db: Db, tokenHash: string, now: Date) {
  await tables(db)
    .deleteFrom('report_drafts')
    .where((eb) => eb.or([eb('token_hash', '=', tokenHash), eb('expires_at', '<', now)]))
    .execute();
}

/** Open cases past their target that have not yet been escalated this far. */
export async function overdue(db: Db, now: Date, level: 1 | 2, limit = 500) {
  return (await selectCases(db)
    .where('c.status', 'in', ['open', 'in_progress'])
    .where('c.expected_at', '<', now)
    .where('c.escalated', '<', level)
    .orderBy('c.expected_at')
    .limit(limit)
    .execute()) as CaseRow[];
}
