// SQL for referrals: a case sent to another organisation, and its decision.
import type { Generated, Insertable, Selectable } from 'kysely';
import type { Db } from '../../db/index.ts';

type ReferralTables = {
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
  organisations: { id: string; ref: string; name: string };
};
const tables = (db: Db) => db.withTables<ReferralTables>();

export type ReferralRow = Selectable<ReferralTables['referrals']> & {
  from_ref: string;
  from_name: string;
  to_ref: string;
  to_name: string;
};

export async function insertReferral(db: Db, row: Insertable<ReferralTables['referrals']>) {
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
