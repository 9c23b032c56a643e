// SQL for the OpenID Connect provider: signing keys, relying parties (clients) and the
// provider's own records (interactions, grants, codes, refresh tokens, ...).
import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { DB, Db } from '../../db/index.ts';

export type AuthMethod = DB['oidc_clients']['auth_method'];

// --- signing keys

export type SigningKeyRow = Selectable<DB['oidc_signing_keys']>;
type NewSigningKey = Pick<Insertable<DB['oidc_signing_keys']>, 'kid' | 'private_jwk'>;

/** The key that signs now, then the retired keys retired after `since`, newest first. */
export async function publishedKeys(db: Db, since: Date): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('oidc_signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', since)]))
    .orderBy(sql`retired_at IS NULL`, 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

/** Retires the key that signs now and makes this one sign instead, in one step. */
export async function replaceSigningKey(db: Db, key: NewSigningKey, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('oidc_signing_keys')
      .set({ retired_at: now })
      .where('retired_at', 'is', null)
      .execute();
    await trx
      .insertInto('oidc_signing_keys')
      .values({ ...key, created_at: now, retired_at: null })
      .execute();
  });
}

/** Adds the first key, unless another instance starting at the same time already has. */
export async function insertFirstSigningKey(db: Db, key: NewSigningKey): Promise<void> {
  await db
    .insertInto('oidc_signing_keys')
    .values({ ...key, retired_at: null })
    .onConflict((c) => c.doNothing())
    .execute();
}

export async function deleteKeysRetiredBefore(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('oidc_signing_keys').where('retired_at', '<', before).execute();
}

// --- clients

export type ClientRow = Selectable<DB['oidc_clients']>;
export type NewClientRow = Insertable<DB['oidc_clients']>;

export async function insertClient(db: Db, client: NewClientRow): Promise<void> {
  await db.insertInto('oidc_clients').values(client).execute();
}

export async function findClient(db: Db, clientId: string): Promise<ClientRow | undefined> {
  return db.selectFrom('oidc_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

export async function listClients(db: Db): Promise<ClientRow[]> {
  return db.selectFrom('oidc_clients').selectAll().orderBy('name').orderBy('client_id').execute();
}

export async function updateClient(
  db: Db,
  clientId: string,
  changes: Updateable<DB['oidc_clients']>,
): Promise<boolean> {
  const result = await db
    .updateTable('oidc_clients')
    .set({ ...changes, updated_at: sql<Date>`now()` })
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

// --- the provider's records

export type PayloadRow = Selectable<DB['oidc_payloads']>;

export async function upsertPayload(db: Db, row: Insertable<DB['oidc_payloads']>): Promise<void> {
  await db
    .insertInto('oidc_payloads')
    .values(row)
    .onConflict((c) =>
      c.columns(['model', 'id']).doUpdateSet({
        payload: row.payload,
        grant_id: row.grant_id ?? null,
        uid: row.uid ?? null,
        user_code: row.user_code ?? null,
        expires_at: row.expires_at ?? null,
      }),
    )
    .execute();
}

/** A live payload by a column: expired ones are as good as gone. */
export async function findPayload(
  db: Db,
  model: string,
  by: 'id' | 'uid' | 'user_code',
  value: string,
  now: Date,
): Promise<PayloadRow | undefined> {
  return db
    .selectFrom('oidc_payloads')
    .selectAll()
    .where('model', '=', model)
    .where(by, '=', value)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
}

export async function consumePayload(db: Db, model: string, id: string, now: Date): Promise<void> {
  await db
    .updateTable('oidc_payloads')
    .set({ consumed_at: now })
    .where('model', '=', model)
    .where('id', '=', id)
    .execute();
}

export async function deletePayload(db: Db, model: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('model', '=', model).where('id', '=', id).execute();
}

export async function deleteByGrant(db: Db, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
}

export async function deleteExpiredPayloads(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('expires_at', '<=', now).execute();
  await db.deleteFrom('oidc_session_confidence').where('expires_at', '<=', now).execute();
}

/** Records (or, with none asserted, forgets) the identity confidence behind a provider session. */
export async function setSessionConfidence(
  db: Db,
  sessionUid: string,
  confidence: 'none' | 'low' | 'medium' | null,
  expiresAt: Date,
): Promise<void> {
  if (!confidence) {
    await db.deleteFrom('oidc_session_confidence').where('session_uid', '=', sessionUid).execute();
    return;
  }
  await db
    .insertInto('oidc_session_confidence')
    .values({ session_uid: sessionUid, identity_confidence: confidence, expires_at: expiresAt })
    .onConflict((c) =>
      c.column('session_uid').doUpdateSet({ identity_confidence: confidence, expires_at: expiresAt }),
    )
    .execute();
}

export async function sessionConfidence(db: Db, sessionUid: string, now: Date) {
  const row = await db
    .selectFrom('oidc_session_confidence')
    .select('identity_confidence')
    .where('session_uid', '=', sessionUid)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row?.identity_confidence;
}
