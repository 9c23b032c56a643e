// SQL for the routemap's own tables: framework versions, assessments and their scores, and the
// evidence files kept with them. Action plans are in actions-store.ts.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { Framework } from './framework.ts';

export async function addFramework(db: Db, framework: Framework, accountId: string | null) {
  const inserted = await db
    .insertInto('routemap_frameworks')
    .values({
      id: framework.id,
      title: framework.title,
      definition: JSON.stringify(framework),
      added_by: accountId,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return !!inserted;
}

export async function frameworks(db: Db) {
  const rows = await db
    .selectFrom('routemap_frameworks')
    .select(['id', 'definition', 'added_at'])
    .orderBy('added_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    addedAt: r.added_at,
    framework: r.definition as unknown as Framework,
  }));
}

export interface AssessmentRow {
  id: string;
  organisation_id: string;
  framework_id: string;
  status: 'draft' | 'submitted';
  started_at: Date;
  submitted_at: Date | null;
  platform_evidence: unknown;
}

const assessmentColumns = [
  'id',
  'organisation_id',
  'framework_id',
  'status',
  'started_at',
  'submitted_at',
  'platform_evidence',
] as const;

/** An organisation's draft, if it has one (locked until the transaction ends when asked). */
export async function draftOf(db: Db, organisationId: string, lock = false) {
  let query = db
    .selectFrom('maturity_assessments')
    .select(assessmentColumns)
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'draft');
  if (lock) query = query.forUpdate();
  return (await query.executeTakeFirst()) as AssessmentRow | undefined;
}

/** Submitted assessments of these organisations, newest first. */
export async function submittedOf(db: Db, organisationIds: string[]) {
  if (organisationIds.length === 0) return [];
  return (await db
    .selectFrom('maturity_assessments')
    .select(assessmentColumns)
    .where('organisation_id', 'in', organisationIds)
    .where('status', '=', 'submitted')
    .orderBy('submitted_at', 'desc')
    .execute()) as AssessmentRow[];
}

export async function startDraft(db: Db, organisationId: string, frameworkId: string, accountId: string) {
  const row = await db
    .insertInto('maturity_assessments')
    .values({ organisation_id: organisationId, framework_id: frameworkId, started_by: accountId })
    .onConflict((oc) => oc.column('organisation_id').where('status', '=', 'draft').doNothing())
    .returning(assessmentColumns)
    .executeTakeFirst();
  return row as AssessmentRow | undefined;
}

export async function scoresOf(db: Db, assessmentIds: string[]) {
  if (assessmentIds.length === 0) return [];
  return db
    .selectFrom('maturity_scores')
    .select(['assessment_id', 'item', 'score', 'reason', 'links', 'updated_at'])
    .where('assessment_id', 'in', assessmentIds)
    .execute();
}

export async function putScore(
  db: Db,
  score: { assessmentId: string; item: string; score: number; reason: string; links: string[] },
  accountId: string,
) {
  const values = { score: score.score, reason: score.reason, links: score.links, updated_by: accountId };
  await db
    .insertInto('maturity_scores')
    .values({ assessment_id: score.assessmentId, item: score.item, ...values })
    .onConflict((oc) =>
      oc.columns(['assessment_id', 'item']).doUpdateSet({ ...values, updated_at: sql`now()` }),
    )
    .execute();
}

export async function submit(db: Db, id: string, accountId: string, at: Date, evidence: unknown) {
  await db
    .updateTable('maturity_assessments')
    .set({
      status: 'submitted',
      submitted_at: at,
      submitted_by: accountId,
      platform_evidence: JSON.stringify(evidence),
    })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .execute();
}

export type EvidenceType = 'application/pdf' | 'image/png' | 'image/jpeg' | 'text/csv' | 'text/plain';

export async function filesOf(db: Db, assessmentIds: string[]) {
  if (assessmentIds.length === 0) return [];
  return db
    .selectFrom('maturity_evidence_files')
    .select(['id', 'assessment_id', 'item', 'filename', 'media_type', 'size', 'added_at'])
    .where('assessment_id', 'in', assessmentIds)
    .orderBy('added_at')
    .execute();
}

export async function addFile(
  db: Db,
  file: { assessmentId: string; item: string; filename: string; mediaType: EvidenceType; content: Buffer },
  accountId: string,
) {
  const row = await db
    .insertInto('maturity_evidence_files')
    .values({
      assessment_id: file.assessmentId,
      item: file.item,
      filename: file.filename,
      media_type: file.mediaType,
      size: file.content.length,
      content: file.content,
      added_by: accountId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function fileContent(db: Db, id: string) {
  return db
    .selectFrom('maturity_evidence_files as f')
    .innerJoin('maturity_assessments as a', 'a.id', 'f.assessment_id')
    .select(['f.filename', 'f.media_type', 'f.content', 'a.organisation_id'])
    .where('f.id', '=', id)
    .executeTakeFirst();
}

export async function addImportedBenchmark(
  db: Db,
  benchmark: {
    place: string;
    frameworkId: string;
    scores: { organisation: string; item: string; score: number; assessedOn: string }[];
  },
  accountId: string,
) {
  const { id } = await db
    .insertInto('routemap_imported_benchmarks')
    .values({ place_name: benchmark.place, framework_id: benchmark.frameworkId, imported_by: accountId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('routemap_imported_scores')
    .values(
      benchmark.scores.map((s) => ({
        benchmark_id: id,
        organisation: s.organisation,
        item: s.item,
        score: s.score,
        assessed_on: s.assessedOn,
      })),
    )
    .execute();
  return id;
}

/** Other places' benchmarks, newest first, with their scores. */
export async function importedBenchmarks(db: Db) {
  const benchmarks = await db
    .selectFrom('routemap_imported_benchmarks')
    .select(['id', 'place_name', 'framework_id', 'imported_at'])
    .orderBy('imported_at', 'desc')
    .execute();
  const scores =
    benchmarks.length === 0
      ? []
      : await db
          .selectFrom('routemap_imported_scores')
          .select(['benchmark_id', 'organisation', 'item', 'score'])
          .where(
            'benchmark_id',
            'in',
            benchmarks.map((b) => b.id),
          )
          .execute();
  return benchmarks.map((b) => ({ ...b, scores: scores.filter((s) => s.benchmark_id === b.id) }));
}
