// SQL for passkeys: the credentials of each account and the one-use challenges handed out.
import { type Insertable, type Selectable, sql } from 'kysely';
import type { DB, Db } from '../../db/index.ts';

export type PasskeyRow = Selectable<DB['passkeys']>;

export async function insertChallenge(db: Db, row: Insertable<DB['passkey_challenges']>): Promise<void> {
  await db.insertInto('passkey_challenges').values(row).execute();
}

/** Uses up a challenge handed out for this purpose (and account): false when unknown, used or expired. */
export async function takeChallenge(
  db: Db,
  challenge: string,
  purpose: 'register' | 'sign_in',
  accountId: string | null,
  now: Date,
): Promise<boolean> {
  const taken = await db
    .deleteFrom('passkey_challenges')
    .where('challenge', '=', challenge)
    .where('purpose', '=', purpose)
    .where('expires_at', '>', now)
    .where(sql<boolean>`account_id IS NOT DISTINCT FROM ${accountId}`)
    .executeTakeFirst();
  return taken.numDeletedRows > 0n;
}

export async function deleteExpiredChallenges(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('passkey_challenges').where('expires_at', '<=', now).execute();
}

export async function insertPasskey(db: Db, row: Insertable<DB['passkeys']>): Promise<string> {
  const { id } = await db.insertInto('passkeys').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function passkeysOf(db: Db, accountId: string): Promise<PasskeyRow[]> {
  return db
    .selectFrom('passkeys')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .execute();
}

/** The passkey with this credential id, with its account's kind, if the account may sign in. */
export async function findByCredential(db: Db, credentialId: string) {
  return db
    .selectFrom('passkeys as p')
    .innerJoin('accounts as a', 'a.id', 'p.account_id')
    .selectAll('p')
    .select('a.kind')
    .where('p.credential_id', '=', credentialId)
    .where('a.disabled', '=', false)
    .executeTakeFirst();
}

/** Records a use with the authenticator's new counter, only if it did not go back: false otherwise. */
export async function recordUse(db: Db, id: string, counter: number, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('passkeys')
    .set({ counter: String(counter), last_used_at: now })
    .where('id', '=', id)
    .where(sql<boolean>`(counter = 0 AND ${counter}::bigint = 0) OR counter < ${counter}::bigint`)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deletePasskey(db: Db, accountId: string, id: string): Promise<string | undefined> {
  const row = await db
    .deleteFrom('passkeys')
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .returning('name')
    .executeTakeFirst();
  return row?.name;
}
