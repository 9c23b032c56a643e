// SQL for taking requests: storing a batch of cases, the open cases a new report may repeat,
// Open311 clients' keys, and the drafts of the citizen's journey.
import { sql } from 'kysely';
import { type Db, insertRows } from '../../db/index.ts';
import type { NewCaseRow } from '../store.ts';

/**
 * Inserts cases, answering each one's token. A reference already taken fails the statement (see
 * referenceTaken), and with it the transaction: a plain INSERT, as ON CONFLICT's speculative
 * insertion cost PostgreSQL more a row than the rare rollback and retry.
 */
export async function insertCases(db: Db, rows: NewCaseRow[]) {
  if (rows.length === 0) return [];
  const { rows: stored } = await sql<{ id: string; token: string }>`${insertRows('cases', rows)}
    RETURNING id, token`.execute(db);
  return stored;
}

/** Whether an error is PostgreSQL refusing a case whose reference is already taken. */
export const referenceTaken = (error: unknown) =>
  (error as { code?: string; constraint?: string }).code === '23505' &&
  (error as { constraint?: string }).constraint === 'cases_reference_key';

export interface Near {
  service: string;
  organisation: string;
  minLat: number;
  maxLat: number;
  minLon: number;
  maxLon: number;
}

/**
 * For each place asked about (by its position in the list), the open cases of its service held by
 * its organisation inside its box that are not themselves joined to another: one query for all.
 * The bands of latitude the box spans are named so that the index keyed by them (migration 0124)
 * is read only inside the box.
 */
export async function openOriginalsNear(db: Db, near: Near[]) {
  if (near.length === 0) return [];
  const { rows } = await sql<{ i: number; id: string; reference: string; lat: number; lon: number }>`
    SELECT x.i, o.id, o.reference, o.lat, o.lon
      FROM jsonb_to_recordset(${JSON.stringify(near.map((n, i) => ({ i, ...n })))}::jsonb)
        AS x(i int, service text, organisation uuid, "minLat" float8, "maxLat" float8, "minLon" float8, "maxLon" float8)
      CROSS JOIN LATERAL (
        SELECT c.id, c.reference, c.lat, c.lon FROM cases c
         WHERE c.service_code = x.service AND c.status IN ('open', 'in_progress') AND c.duplicate_of IS NULL
           AND floor(c.lat * 1000) BETWEEN floor(x."minLat" * 1000) AND floor(x."maxLat" * 1000)
           AND c.lat BETWEEN x."minLat" AND x."maxLat" AND c.lon BETWEEN x."minLon" AND x."maxLon"
           AND c.organisation_id = x.organisation
         LIMIT 100) o`.execute(db);
  return rows;
}

export async function findApiKey(db: Db, keyHash: string) {
  return (
    (await db
      .selectFrom('open311_api_keys')
      .select(['id', 'name'])
      .where('key_hash', '=', keyHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()) ?? null
  );
}

export interface NewApiKey {
  name: string;
  contact: string | null;
  organisation_id: string | null;
  issued_by: string | null;
  key_hash: string;
}

export async function insertApiKey(db: Db, key: NewApiKey) {
  return (
    await db
      .insertInto('open311_api_keys')
      .values({ ...key, revoked_at: null })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

/** Every key ever issued, the newest first, with the requests posted with it. */
export async function apiKeyListing(db: Db) {
  return db
    .selectFrom('open311_api_keys as k')
    .select((eb) => [
      'k.id',
      'k.name',
      'k.contact',
      'k.organisation_id',
      'k.created_at',
      'k.rotated_at',
      'k.revoked_at',
      eb
        .selectFrom('cases as c')
        .whereRef('c.api_key_id', '=', 'k.id')
        .select(eb.fn.countAll<string>().as('n'))
        .as('posts'),
    ])
    .orderBy('k.created_at', 'desc')
    .execute();
}

/** Gives a key that is still in use a new hash, or revokes it: false when there is no such key in use. */
export async function changeApiKey(
  db: Db,
  id: string,
  change: { key_hash: string; at: Date } | { revoked: Date },
) {
  const set =
    'revoked' in change
      ? { revoked_at: change.revoked }
      : { key_hash: change.key_hash, rotated_at: change.at };
  const row = await db
    .updateTable('open311_api_keys')
    .set(set)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('name')
    .executeTakeFirst();
  return row?.name ?? null;
}

export async function draft(db: Db, tokenHash: string, now: Date) {
  const row = await db
    .selectFrom('report_drafts')
    .select('answers')
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row?.answers ?? null;
}

export async function saveDraft(db: Db, tokenHash: string, answers: Record<string, unknown>, expires: Date) {
  await db
    .insertInto('report_drafts')
    .values({ token_hash: tokenHash, answers, expires_at: expires })
    .onConflict((oc) => oc.column('token_hash').doUpdateSet({ answers, expires_at: expires }))
    .execute();
}

export async function removeDraft(db: Db, tokenHash: string, now: Date) {
  await db
    .deleteFrom('report_drafts')
    .where((eb) => eb.or([eb('token_hash', '=', tokenHash), eb('expires_at', '<', now)]))
    .execute();
}
