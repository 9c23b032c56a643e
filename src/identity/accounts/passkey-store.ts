// SQL for passkeys: the credentials of each account and the one-use challenges handed out.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';

export interface PasskeyRow {
  id: string;
  account_id: string;
  credential_id: string;
  public_key: Uint8Array;
  counter: string;
  transports: string[];
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}

type PasskeyTables = {
  passkeys: Omit<PasskeyRow, 'id' | 'created_at' | 'last_used_at'> & {
    id?: string;
    created_at?: Date;
    last_used_at?: Date | null;
  };
  passkey_challenges: {
    challenge: string;
    purpose: 'register' | 'sign_in';
    account_id: string | null;
    expires_at: Date;
  };
  accounts: { id: string; kind: 'citizen' | 'staff'; disabled: boolean };
};

const tables = (db: Db) => db.withTables<PasskeyTables>();

export async function insertChallenge(db: Db, row: PasskeyTables['passkey_challenges']): Promise<void> {
  await tables(db).insertInto('passkey_challenges').values(row).execute();
}

/** Uses up a challenge handed out for this purpose (and account): false when unknown, used or expired. */
export async function takeChallenge(
  db: Db,
  challenge: string,
  purpose: 'register' | 'sign_in',
  accountId: string | null,
  now: Date,
): Promise<boolean> {
  const taken = await tables(db)
    .deleteFrom('passkey_challenges')
    .where('challenge', '=', challenge)
    .where('purpose', '=', purpose)
    .where('expires_at', '>', now)
    .where(sql<boolean>`account_id IS NOT DISTINCT FROM ${accountId}`)
    .executeTakeFirst();
  return taken.numDeletedRows > 0n;
}

export async function deleteExpiredChallenges(db: Db, now: Date): Promise<void> {
  await tables(db).deleteFrom('passkey_challenges').where('expires_at', '<=', now).execute();
}

export async function insertPasskey(db: Db, row: PasskeyTables['passkeys']): Promise<string> {
  const { id } = await tables(db)
    .insertInto('passkeys')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return id as string;
}

export async function passkeysOf(db: Db, accountId: string): Promise<PasskeyRow[]> {
  return (await tables(db)
    .selectFrom('passkeys')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .execute()) as PasskeyRow[];
}

/** The passkey with this credential id, with its account's kind, if the account may sign in. */
export async function findByCredential(db: Db, credentialId: string) {
  return (await tables(db)
    .selectFrom('passkeys as p')
    .innerJoin('accounts as a', 'a.id', 'p.account_id')
    .selectAll('p')
    .select('a.kind')
    .where('p.credential_id', '=', credentialId)
    .where('a.disabled', '=', false)
    .executeTakeFirst()) as (PasskeyRow & { kind: 'citizen' | 'staff' }) | undefined;
}

/** Records a use with the authenticator's new counter, only if it did not go back: false otherwise. */
export async function recordUse(db: Db, id: string, counter: number, now: Date): Promise<boolean> {
  const result = await tables(db)
    .updateTable('passkeys')
    .set({ counter: String(counter), last_used_at: now })
    .where('id', '=', id)
    .where(sql<boolean>`(counter = 0 AND ${counter}::bigint = 0) OR counter < ${counter}::bigint`)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deletePasskey(db: Db, accountId: string, id: string): Promise<string | undefined> {
  const row = await tables(db)
    .deleteFrom('passkeys')
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .returning('name')
    .executeTakeFirst();
  return row?.name;
}
