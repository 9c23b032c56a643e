// SQL for accounts, staff roles, sessions and failed sign-ins.
import { type Insertable, type Selectable, sql } from 'kysely';
import type { DB, Db } from '../../db/index.ts';
import type { StaffRole } from '../../platform/index.ts';

export type AccountRow = Selectable<DB['accounts']>;

export async function findAccountByEmail(db: Db, email: string): Promise<AccountRow | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function findAccountById(db: Db, id: string): Promise<AccountRow | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('id', '=', id)
    .where('disabled', '=', false)
    .executeTakeFirst();
}

export async function insertAccount(
  db: Db,
  account: Omit<Insertable<DB['accounts']>, 'id' | 'disabled' | 'created_at'>,
): Promise<string> {
  const row = await db.insertInto('accounts').values(account).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function insertRoles(db: Db, roles: Insertable<DB['staff_roles']>[]): Promise<void> {
  if (roles.length > 0) await db.insertInto('staff_roles').values(roles).execute();
}

/** A staff member's roles, by organisation id (places has the organisations' references and names). */
export async function rolesOf(db: Db, accountId: string) {
  return db
    .selectFrom('staff_roles')
    .select(['organisation_id', 'role'])
    .where('account_id', '=', accountId)
    .execute();
}

/** The people with one of these roles in these organisations, by name (once for each role they hold). */
export async function staffOf(db: Db, organisationIds: string[], roles: StaffRole[]) {
  if (organisationIds.length === 0) return [];
  return db
    .selectFrom('staff_roles as r')
    .innerJoin('accounts as a', 'a.id', 'r.account_id')
    .select(['a.id', 'a.name', 'a.email', 'r.organisation_id as organisationId', 'r.role'])
    .where('r.organisation_id', 'in', organisationIds)
    .where('r.role', 'in', roles)
    .orderBy('a.name')
    .execute();
}

export async function insertSession(
  db: Db,
  session: {
    id_hash: string;
    account_id: string;
    auth_method: string;
    expires_at: Date;
    identity_confidence?: 'none' | 'low' | 'medium' | null;
    upstream?: string | null;
  },
): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

/** The live session with this hash and its account, sliding its idle expiry forward. */
export async function touchSession(db: Db, idHash: string, now: Date, idleUntil: Date) {
  return db
    .updateTable('sessions')
    .from('accounts')
    .set({
      last_seen_at: now,
      expires_at: sql<Date>`least(${idleUntil}::timestamptz, sessions.created_at + interval '12 hours')`,
    })
    .whereRef('accounts.id', '=', 'sessions.account_id')
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.expires_at', '>', now)
    .where('accounts.disabled', '=', false)
    .returning([
      'accounts.id',
      'accounts.kind',
      'accounts.name',
      'accounts.email',
      'sessions.auth_method',
      'sessions.identity_confidence',
    ])
    .executeTakeFirst();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}

export async function recentFailures(
  db: Db,
  key: { email: string; source: string },
  since: Date,
): Promise<number> {
  const row = await db
    .selectFrom('sign_in_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email_key', '=', key.email)
    .where('source_key', '=', key.source)
    .where('failed_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function recordFailure(db: Db, key: { email: string; source: string }, at: Date): Promise<void> {
  await db
    .insertInto('sign_in_failures')
    .values({ email_key: key.email, source_key: key.source, failed_at: at })
    .execute();
}

/** Forgets an address's failures at an account once it signs in; others' guesses still count. */
export async function clearFailures(db: Db, key: { email: string; source: string }): Promise<void> {
  await db
    .deleteFrom('sign_in_failures')
    .where('email_key', '=', key.email)
    .where('source_key', '=', key.source)
    .execute();
}

/** A secret shared by every instance, made once: the first instance to ask creates it. */
export async function sharedSecret(db: Db, name: string, fresh: string): Promise<string> {
  await db
    .insertInto('app_secrets')
    .values({ name, value: fresh })
    .onConflict((c) => c.doNothing())
    .execute();
  const row = await db
    .selectFrom('app_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.value;
}

// --- the second factor

export async function secondFactorOf(db: Db, accountId: string) {
  return db.selectFrom('second_factors').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** The secret being set up (or already set up) for an account: made once, kept until confirmed. */
export async function secretToEnrol(db: Db, accountId: string, fresh: string): Promise<string> {
  await db
    .insertInto('second_factors')
    .values({ account_id: accountId, totp_secret: fresh, enrolled_at: null })
    .onConflict((c) => c.column('account_id').doNothing())
    .execute();
  const row = await secondFactorOf(db, accountId);
  return row?.totp_secret ?? fresh;
}

/** Records a code's time step as used, only if it is later than the last one: false on a replay. */
export async function useStep(db: Db, accountId: string, step: number, enrolledAt?: Date): Promise<boolean> {
  const result = await db
    .updateTable('second_factors')
    .set({ last_step: String(step), ...(enrolledAt ? { enrolled_at: enrolledAt } : {}) })
    .where('account_id', '=', accountId)
    .where(sql<string>`last_step`, '<', String(step))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertPendingSignIn(
  db: Db,
  pending: { id_hash: string; account_id: string; expires_at: Date },
): Promise<void> {
  await db.insertInto('pending_sign_ins').values(pending).execute();
}

export async function findPendingSignIn(db: Db, idHash: string, now: Date) {
  return db
    .selectFrom('pending_sign_ins as p')
    .innerJoin('accounts as a', 'a.id', 'p.account_id')
    .select(['p.account_id', 'p.failures', 'a.kind'])
    .where('p.id_hash', '=', idHash)
    .where('p.expires_at', '>', now)
    .where('a.disabled', '=', false)
    .executeTakeFirst();
}

export async function recordPendingFailure(db: Db, idHash: string): Promise<void> {
  await db
    .updateTable('pending_sign_ins')
    .set((eb) => ({ failures: eb('failures', '+', 1) }))
    .where('id_hash', '=', idHash)
    .execute();
}

export async function deletePendingSignIn(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('pending_sign_ins').where('id_hash', '=', idHash).execute();
}

export async function setSessionMethod(db: Db, idHash: string, method: string): Promise<void> {
  await db.updateTable('sessions').set({ auth_method: method }).where('id_hash', '=', idHash).execute();
}

/** The names of these accounts, by account id. */
export async function accountNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const { rows } = await sql<{ id: string; name: string }>`
    SELECT id, name FROM accounts WHERE id = ANY(${unique}::uuid[])`.execute(db);
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The citizen accounts with these email addresses (in any case), by each address as given. */
export async function citizensByEmail(db: Db, emails: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(emails.map((e) => e.trim()).filter(Boolean))];
  if (wanted.length === 0) return new Map();
  const { rows } = await sql<{ email: string; id: string }>`
    SELECT lower(email) AS email, id FROM accounts
     WHERE lower(email) = ANY(${wanted.map((e) => e.toLowerCase())}::text[]) AND kind = 'citizen'`.execute(
    db,
  );
  const ids = new Map(rows.map((r) => [r.email, r.id]));
  const found = new Map<string, string>();
  for (const email of emails) {
    const id = ids.get(email.trim().toLowerCase());
    if (id) found.set(email, id);
  }
  return found;
}
