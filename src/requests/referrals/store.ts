// SQL for referrals: a case sent to another organisation, and its decision.
import type { Insertable, Selectable } from 'kysely';
import type { DB, Db } from '../../db/index.ts';

export type ReferralRow = Selectable<DB['referrals']> & {
  from_ref: string;
  from_name: string;
  to_ref: string;
  to_name: string;
};

export async function insertReferral(db: Db, row: Insertable<DB['referrals']>) {
  const inserted = await db.insertInto('referrals').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

function selectReferrals(db: Db) {
  return db
    .selectFrom('referrals as r')
    .innerJoin('organisations as f', 'f.id', 'r.from_organisation_id')
    .innerJoin('organisations as t', 't.id', 'r.to_organisation_id')
    .selectAll('r')
    .select(['f.ref as from_ref', 'f.name as from_name', 't.ref as to_ref', 't.name as to_name']);
}

export async function referralsOf(db: Db, caseId: string): Promise<ReferralRow[]> {
  return selectReferrals(db).where('r.case_id', '=', caseId).orderBy('r.created_at').execute();
}

export async function findReferral(db: Db, id: string): Promise<ReferralRow | null> {
  return (await selectReferrals(db).where('r.id', '=', id).executeTakeFirst()) ?? null;
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
