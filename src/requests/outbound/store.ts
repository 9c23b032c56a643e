// SQL of sending cases on: the organisations' systems, their services, each case's send, and
// the remote updates already applied.
import { type Insertable, type Selectable, sql } from 'kysely';
import type { DB, Db } from '../../db/index.ts';

export type SystemRow = Selectable<DB['outbound_systems']>;
export type SendRow = Selectable<DB['outbound_sends']>;

export async function insertSystem(
  db: Db,
  system: Insertable<DB['outbound_systems']>,
  services: { service_code: string; remote_code: string }[],
): Promise<string> {
  const { id } = await db
    .insertInto('outbound_systems')
    .values(system)
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('outbound_services')
    .values(services.map((s) => ({ ...s, organisation_id: system.organisation_id, system_id: id })))
    .execute();
  return id;
}

export const systemNamed = (db: Db, organisationId: string, name: string) =>
  db
    .selectFrom('outbound_systems')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('name', '=', name)
    .executeTakeFirst();

/** The services already sent to a system of the organisation. */
export async function servicesTaken(db: Db, organisationId: string, codes: string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom('outbound_services')
    .select('service_code')
    .where('organisation_id', '=', organisationId)
    .where('service_code', 'in', codes)
    .execute();
  return rows.map((r) => r.service_code);
}

export const systemById = (db: Db, id: string) =>
  db.selectFrom('outbound_systems').selectAll().where('id', '=', id).executeTakeFirst();

export const systemByPushToken = (db: Db, hash: string) =>
  db.selectFrom('outbound_systems').selectAll().where('push_token_hash', '=', hash).executeTakeFirst();

/** Every system, with its services and its sends counted by state, for administrators. */
export async function systemsWithCounts(db: Db) {
  return db
    .selectFrom('outbound_systems as y')
    .innerJoin('organisations as o', 'o.id', 'y.organisation_id')
    .select([
      'y.id',
      'y.name',
      'y.endpoint',
      'y.send_contact',
      'y.created_at',
      'o.ref as organisation',
      'o.name as organisation_name',
    ])
    .select((eb) => [
      eb
        .selectFrom('outbound_services as s')
        .select(
          sql<
            string[]
          >`coalesce(array_agg(s.service_code || ' → ' || s.remote_code ORDER BY s.service_code), '{}')`.as(
            'm',
          ),
        )
        .whereRef('s.system_id', '=', 'y.id')
        .as('services'),
      sql<number>`(SELECT count(*) FROM outbound_sends d WHERE d.system_id = y.id AND d.state = 'sent')::int`.as(
        'sent',
      ),
      sql<number>`(SELECT count(*) FROM outbound_sends d WHERE d.system_id = y.id AND d.state = 'waiting')::int`.as(
        'waiting',
      ),
      sql<number>`(SELECT count(*) FROM outbound_sends d WHERE d.system_id = y.id AND d.state = 'failed')::int`.as(
        'failed',
      ),
    ])
    .orderBy('o.name')
    .orderBy('y.name')
    .execute();
}

/** The sends not (yet) made: waiting with an error, or failed, with the case's reference. */
export async function troubledSends(db: Db, limit = 50) {
  return db
    .selectFrom('outbound_sends as d')
    .innerJoin('cases as c', 'c.id', 'd.case_id')
    .innerJoin('outbound_systems as y', 'y.id', 'd.system_id')
    .select([
      'd.case_id',
      'c.reference',
      'y.name as system',
      'd.state',
      'd.attempts',
      'd.last_error',
      'd.next_attempt_at',
    ])
    .where('d.state', '<>', 'sent')
    .where('d.last_error', 'is not', null)
    .orderBy('d.created_at', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Makes a send for each new case of a service sent on (made since its system was set up, not a
 * repeat joined to another): the cases are the outbox, so none is missed whatever happens to a job.
 */
export async function addSends(db: Db, now: Date): Promise<number> {
  const result = await db
    .insertInto('outbound_sends')
    .columns(['case_id', 'system_id', 'next_attempt_at'])
    .expression((eb) =>
      eb
        .selectFrom('cases as c')
        .innerJoin('outbound_services as s', (j) =>
          j
            .onRef('s.organisation_id', '=', 'c.organisation_id')
            .onRef('s.service_code', '=', 'c.service_code'),
        )
        .innerJoin('outbound_systems as y', 'y.id', 's.system_id')
        .select(['c.id', 'y.id', sql<Date>`${now}::timestamptz`.as('next')])
        .whereRef('c.requested_at', '>=', 'y.created_at')
        .where('c.duplicate_of', 'is', null)
        .where('c.status', 'in', ['open', 'in_progress'])
        .where((w) =>
          w.not(
            w.exists(
              w.selectFrom('outbound_sends as d').select('d.case_id').whereRef('d.case_id', '=', 'c.id'),
            ),
          ),
        ),
    )
    .onConflict((c) => c.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** Claims the sends due now for a while (`lease`), so that another instance does not send them too. */
export async function claimDue(db: Db, now: Date, leaseUntil: Date, limit: number): Promise<SendRow[]> {
  return db
    .updateTable('outbound_sends')
    .set({ next_attempt_at: leaseUntil, attempts: sql`attempts + 1` })
    .where(
      'case_id',
      'in',
      db
        .selectFrom('outbound_sends')
        .select('case_id')
        .where('state', '=', 'waiting')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

export async function markSent(db: Db, caseId: string, remoteId: string, now: Date) {
  await db
    .updateTable('outbound_sends')
    .set({ state: 'sent', remote_id: remoteId, sent_at: now, last_error: null })
    .where('case_id', '=', caseId)
    .execute();
}

export async function markFailed(db: Db, caseId: string, error: string, next: Date | null) {
  await db
    .updateTable('outbound_sends')
    .set(next ? { last_error: error, next_attempt_at: next } : { last_error: error, state: 'failed' })
    .where('case_id', '=', caseId)
    .execute();
}

/** A failed send tried again from now, its count of tries started afresh. */
export async function retry(db: Db, caseId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('outbound_sends')
    .set({ state: 'waiting', attempts: 0, next_attempt_at: now })
    .where('case_id', '=', caseId)
    .where('state', '=', 'failed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export const sendOfRemote = (db: Db, systemId: string, remoteId: string) =>
  db
    .selectFrom('outbound_sends')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('remote_id', '=', remoteId)
    .forUpdate()
    .executeTakeFirst();

/** The remote ids of a system's sent cases still open here: what a poll asks about. */
export async function openRemoteIds(db: Db, systemId: string, limit = 200): Promise<string[]> {
  const rows = await db
    .selectFrom('outbound_sends as d')
    .innerJoin('cases as c', 'c.id', 'd.case_id')
    .select('d.remote_id')
    .where('d.system_id', '=', systemId)
    .where('d.state', '=', 'sent')
    .where('c.status', 'in', ['open', 'in_progress'])
    .orderBy('d.sent_at')
    .limit(limit)
    .execute();
  return rows.flatMap((r) => (r.remote_id ? [r.remote_id] : []));
}

/** Records an update as applied; false when it was already (a repeat). */
export async function firstTime(db: Db, systemId: string, updateId: string, caseId: string, now: Date) {
  const result = await db
    .insertInto('outbound_updates')
    .values({ system_id: systemId, update_id: updateId, case_id: caseId, applied_at: now })
    .onConflict((c) => c.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function setRemoteUpdatedAt(db: Db, caseId: string, at: Date) {
  await db
    .updateTable('outbound_sends')
    .set({ remote_updated_at: at })
    .where('case_id', '=', caseId)
    .execute();
}

export async function setUpdatesSince(db: Db, systemId: string, at: Date) {
  await db
    .updateTable('outbound_systems')
    .set({ updates_since: sql`greatest(updates_since, ${at}::timestamptz)` })
    .where('id', '=', systemId)
    .execute();
}

export const allSystems = (db: Db) => db.selectFrom('outbound_systems').selectAll().execute();

/** The name of the system that takes the organisation's requests for a service with contact details. */
export async function systemTakingContact(db: Db, organisationRef: string, serviceCode: string) {
  const row = await db
    .selectFrom('outbound_services as v')
    .innerJoin('outbound_systems as y', 'y.id', 'v.system_id')
    .innerJoin('organisations as o', 'o.id', 'v.organisation_id')
    .select('y.name')
    .where('o.ref', '=', organisationRef)
    .where('v.service_code', '=', serviceCode)
    .where('y.send_contact', '=', true)
    .executeTakeFirst();
  return row?.name ?? null;
}

/** Where each case is held, when it was sent on: the system's name and the remote id. */
export async function heldIn(
  db: Db,
  caseIds: string[],
): Promise<Map<string, { system: string; remoteId: string }>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('outbound_sends as d')
    .innerJoin('outbound_systems as y', 'y.id', 'd.system_id')
    .select(['d.case_id', 'y.name', 'd.remote_id'])
    .where('d.case_id', 'in', caseIds)
    .where('d.state', '=', 'sent')
    .execute();
  return new Map(rows.map((r) => [r.case_id, { system: r.name, remoteId: r.remote_id ?? '' }]));
}
