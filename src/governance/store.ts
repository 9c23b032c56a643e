// SQL for the reviews of access: break-glass reads and their reviews, and unusual access.
import { sql } from 'kysely';
import type { DB, Db } from '../db/index.ts';

/** Break-glass reads with their review, if any: the unreviewed first. */
export async function breakGlassQueue(db: Db) {
  return db
    .selectFrom('audit_ledger as l')
    .leftJoin('break_glass_reviews as r', 'r.ledger_seq', 'l.seq')
    .select(['l.seq', 'l.body', 'r.outcome', 'r.notes'])
    .where('l.break_glass', '=', true)
    .orderBy(sql`r.outcome IS NOT NULL`)
    .orderBy('l.seq', 'desc')
    .limit(200)
    .execute();
}

export async function reviewBreakGlass(
  db: Db,
  seq: number,
  by: string,
  outcome: DB['break_glass_reviews']['outcome'],
  notes: string | null,
): Promise<boolean> {
  const entry = await db
    .selectFrom('audit_ledger')
    .select('seq')
    .where('seq', '=', seq)
    .where('break_glass', '=', true)
    .executeTakeFirst();
  if (!entry) return false;
  const result = await db
    .insertInto('break_glass_reviews')
    .values({ ledger_seq: seq, reviewed_by: by, outcome, notes })
    .onConflict((c) => c.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows) === 1;
}

/**
 * Staff whose reads of personal data in the last day look unusual: many records, or reads
 * that were refused (someone trying where they may not).
 */
export async function unusualAccess(db: Db, since: Date, manyReads: number) {
  const rows = await sql<{
    account: string;
    reads: string;
    refused: string;
    organisations: string;
    last: Date;
  }>`
    SELECT actor_account_id AS account,
           count(*) FILTER (WHERE decision = 'allow') AS reads,
           count(*) FILTER (WHERE decision = 'deny') AS refused,
           string_agg(DISTINCT body::jsonb #>> '{actor,organisation}', ', ') AS organisations,
           max(at) AS last
    FROM audit_ledger
    WHERE at > ${since} AND action LIKE 'person-record.%' AND actor_account_id IS NOT NULL
    GROUP BY actor_account_id
    HAVING count(*) FILTER (WHERE decision = 'allow') >= ${manyReads} OR count(*) FILTER (WHERE decision = 'deny') >= 3
    ORDER BY count(*) DESC`.execute(db);
  return rows.rows.map((r) => ({ ...r, reads: Number(r.reads), refused: Number(r.refused) }));
}
