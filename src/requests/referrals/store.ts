// SQL for referrals: a case sent to another organisation, and its decision.
import type { Insertable, Selectable } from 'kysely';
import type { DB, Db } from '../../db/index.ts';

/** A referral: the organisations referring and referred to by id (places has their references and names). */
export type ReferralRow = Selectable<DB['referrals']>;

export async function insertReferral(db: Db, row: Insertable<DB['referrals']>) {
  const inserted = await db.insertInto('referrals').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export async function referralsOf(db: Db, caseId: string): Promise<ReferralRow[]> {
  return db.selectFrom('referrals').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
}

export async function findReferral(db: Db, id: string): Promise<ReferralRow | null> {
  return (await db.selectFrom('referrals').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function decideReferral(
  db: Db,
  id: string,
  decision: { status: 'accepted' | 'declined'; reason: string | null; by: string; at: Date },
): Promise<boolean> {
  const result = await db
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

/** The latest referrals made by or to these organisations, newest first. */
export async function referralsOfOrganisations(db: Db, organisationIds: string[]): Promise<ReferralRow[]> {
  if (organisationIds.length === 0) return [];
  return db
    .selectFrom('referrals')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('from_organisation_id', 'in', organisationIds),
        eb('to_organisation_id', 'in', organisationIds),
      ]),
    )
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
}
