// SQL for delegations: who lets whom act for them, for what, until when.
import { type Insertable, sql } from 'kysely';
import type { DB, Db } from '../../db/index.ts';

/** A delegation as stored: its delegate is a person (their name) or an organisation (its id: places names it). */
export interface StoredDelegation {
  id: string;
  citizenId: string;
  citizenName: string;
  delegateAccountId: string | null;
  delegateAccountName: string | null;
  delegateOrganisationId: string | null;
  services: string[];
  endsOn: string;
  revoked: boolean;
}

function selectDelegations(db: Db) {
  return db
    .selectFrom('delegations as d')
    .innerJoin('accounts as c', 'c.id', 'd.citizen_id')
    .leftJoin('accounts as p', 'p.id', 'd.delegate_account_id')
    .select([
      'd.id',
      'd.citizen_id as citizenId',
      'c.name as citizenName',
      'd.delegate_account_id as delegateAccountId',
      'p.name as delegateAccountName',
      'd.delegate_organisation_id as delegateOrganisationId',
      'd.services',
      sql<string>`to_char(d.ends_on, 'YYYY-MM-DD')`.as('endsOn'),
      sql<boolean>`d.revoked_at IS NOT NULL`.as('revoked'),
    ])
    .orderBy('d.created_at', 'desc');
}

export async function insertDelegation(
  db: Db,
  row: Omit<Insertable<DB['delegations']>, 'id' | 'created_at' | 'revoked_at'>,
): Promise<string> {
  const inserted = await db.insertInto('delegations').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

/** The delegations a citizen has given, in force or not. */
export async function givenBy(db: Db, citizenId: string): Promise<StoredDelegation[]> {
  return selectDelegations(db).where('d.citizen_id', '=', citizenId).execute();
}

/** The delegations in force to this person, or to an organisation they work for (any role but auditor). */
export async function givenTo(db: Db, accountId: string, today: string): Promise<StoredDelegation[]> {
  return selectDelegations(db)
    .where('d.revoked_at', 'is', null)
    .where('d.ends_on', '>=', today)
    .where('c.disabled', '=', false)
    .where((eb) =>
      eb.or([
        eb('d.delegate_account_id', '=', accountId),
        eb(
          'd.delegate_organisation_id',
          'in',
          eb
            .selectFrom('staff_roles')
            .select('organisation_id')
            .where('account_id', '=', accountId)
            .where('role', '!=', 'auditor'),
        ),
      ]),
    )
    .execute();
}

export async function revoke(db: Db, id: string, citizenId: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('delegations')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('citizen_id', '=', citizenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function accountByEmail(db: Db, email: string) {
  return db
    .selectFrom('accounts')
    .select(['id', 'kind'])
    .where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
    .where('disabled', '=', false)
    .executeTakeFirst();
}
