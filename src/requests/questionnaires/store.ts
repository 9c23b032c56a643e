// SQL of "has it been fixed?": the cases due a question, the questions and their answers.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';

export const DEFAULT_WEEKS = 4;

/**
 * Cases resolved (or closed) at least their service's weeks ago, by someone who gave an email
 * address, not asked yet: the time of resolving is the last status update's.
 */
export async function dueQuestions(db: Db, now: Date, limit = 100) {
  return db
    .selectFrom('cases as c')
    .innerJoin('services as s', 's.code', 'c.service_code')
    .leftJoin('questionnaire_settings as q', 'q.service_code', 'c.service_code')
    .select(['c.id', 'c.reference', 'c.email', 's.name as service_name'])
    .where('c.status', 'in', ['resolved', 'closed'])
    .where('c.email', 'is not', null)
    .where('c.duplicate_of', 'is', null)
    .where(
      sql<Date>`(SELECT max(u.created_at) FROM case_updates u WHERE u.case_id = c.id AND u.status IN ('resolved', 'closed'))`,
      '<=',
      sql<Date>`${now}::timestamptz - make_interval(weeks => coalesce(q.weeks, ${DEFAULT_WEEKS})::int)`,
    )
    .where((w) =>
      w.not(w.exists(w.selectFrom('questionnaires as x').select('x.id').whereRef('x.case_id', '=', 'c.id'))),
    )
    .limit(limit)
    .execute();
}

export async function insertQuestion(
  db: Db,
  row: { case_id: string; token_hash: string; sent_at: Date; expires_at: Date },
) {
  const result = await db
    .insertInto('questionnaires')
    .values(row)
    .onConflict((c) => c.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export const questionOf = (db: Db, tokenHash: string) =>
  db
    .selectFrom('questionnaires as x')
    .innerJoin('cases as c', 'c.id', 'x.case_id')
    .innerJoin('services as s', 's.code', 'c.service_code')
    .innerJoin('organisations as o', 'o.id', 'c.organisation_id')
    .select([
      'x.id',
      'x.case_id',
      'x.expires_at',
      'x.answered_at',
      'c.reference',
      'c.status',
      'c.organisation_id',
      'o.ref as organisation',
      's.name as service_name',
    ])
    .where('x.token_hash', '=', tokenHash)
    .executeTakeFirst();

/** Records the answer, unless it was answered already (false then). */
export async function answer(db: Db, id: string, fixed: boolean, now: Date) {
  const result = await db
    .updateTable('questionnaires')
    .set({ fixed, answered_at: now })
    .where('id', '=', id)
    .where('answered_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setWeeks(db: Db, serviceCode: string, weeks: number) {
  await db
    .insertInto('questionnaire_settings')
    .values({ service_code: serviceCode, weeks })
    .onConflict((c) => c.column('service_code').doUpdateSet({ weeks }))
    .execute();
}
