// SQL for the KPIs: each KPI's numerator (or value) and denominator over its fact view, by
// organisation and month and for the whole place in one pass (GROUPING SETS); the values kept by
// the job; the runs. The KPI files' expressions are reviewed like code and run read-only.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { Kpi } from './definition.ts';

export interface KpiValueRow {
  kpi: string;
  organisation_id: string | null;
  month: string;
  numerator: number | null;
  denominator: number;
  value: number | null;
}

function kpiQuery(kpi: Kpi) {
  const measure = sql.raw(kpi.numerator ?? (kpi.value as string));
  return sql<{
    organisation_id: string | null;
    place: number;
    month: string;
    measure: number | null;
    denominator: number | null;
  }>`
    SELECT organisation_id, GROUPING(organisation_id) AS place, to_char(month, 'YYYY-MM-DD') AS month,
           (${measure})::float8 AS measure, (${sql.raw(kpi.denominator)})::float8 AS denominator
      FROM ${sql.table(`kpi_${kpi.facts}`)}
     GROUP BY GROUPING SETS ((organisation_id, month), (month))`;
}

/** Runs `work` in a read-only transaction: a KPI's expression cannot change anything. */
async function readOnly<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SET TRANSACTION READ ONLY`.execute(trx);
    return work(trx);
  });
}

/** PostgreSQL plans the KPI's query: its error when it does not parse or names what is not there. */
export async function planProblem(db: Db, kpi: Kpi): Promise<string | null> {
  try {
    await readOnly(db, (trx) => sql`EXPLAIN ${kpiQuery(kpi)}`.execute(trx));
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Works out again the facts of the requests changed since the last run (migration 0122), before the KPIs over them. */
export async function refreshFacts(db: Db) {
  await sql`SELECT refresh_kpi_requests()`.execute(db);
}

/** Every value of one KPI: each organisation's months and the whole place's. */
export async function computeKpi(db: Db, kpi: Kpi): Promise<KpiValueRow[]> {
  const { rows } = await readOnly(db, (trx) => kpiQuery(kpi).execute(trx));
  return rows.map((r) => {
    const denominator = r.denominator ?? 0;
    const percent = kpi.unit === 'percent';
    return {
      kpi: kpi.id,
      organisation_id: r.place ? null : r.organisation_id,
      month: r.month,
      numerator: percent ? r.measure : null,
      denominator,
      value: percent ? (denominator > 0 ? (100 * (r.measure ?? 0)) / denominator : null) : r.measure,
    };
  });
}

/** Replaces a KPI's values with those just computed, in the caller's transaction. */
export async function replaceValues(trx: Db, kpi: string, rows: KpiValueRow[], at: Date) {
  await trx.deleteFrom('kpi_values').where('kpi', '=', kpi).execute();
  for (let i = 0; i < rows.length; i += 1000) {
    await trx
      .insertInto('kpi_values')
      .values(rows.slice(i, i + 1000).map((r) => ({ ...r, computed_at: at })))
      .execute();
  }
}

/**
 * Keeps one KPI's values of the months before `before` (the first day of the last month whose
 * figures may still move) that are not kept yet, in the caller's transaction. A month is kept
 * whole (every organisation and the place, which add up) or not at all; a value kept is never
 * changed: the database refuses it, and a month already kept is left as it is.
 */
export async function keepClosedMonths(trx: Db, kpi: string, rows: KpiValueRow[], before: string, at: Date) {
  const kept = await trx
    .selectFrom('kpi_snapshots')
    .select(sql<string>`to_char(month, 'YYYY-MM-DD')`.as('month'))
    .distinct()
    .where('kpi', '=', kpi)
    .execute();
  const done = new Set(kept.map((k) => k.month));
  const closed = rows.filter((r) => r.month < before && !done.has(r.month));
  for (let i = 0; i < closed.length; i += 1000) {
    await trx
      .insertInto('kpi_snapshots')
      .values(closed.slice(i, i + 1000).map((r) => ({ ...r, kept_at: at })))
      .onConflict((c) => c.doNothing())
      .execute();
  }
}

/** Every value kept, months as 2026-11-01, by KPI, month and organisation (the place last). */
export async function keptValues(db: Db): Promise<KpiValueRow[]> {
  return db
    .selectFrom('kpi_snapshots')
    .select([
      'kpi',
      'organisation_id',
      sql<string>`to_char(month, 'YYYY-MM-DD')`.as('month'),
      'numerator',
      'denominator',
      'value',
    ])
    .orderBy('kpi')
    .orderBy('month')
    .orderBy(sql`organisation_id NULLS LAST`)
    .execute();
}

export async function recordRun(
  db: Db,
  run: { started_at: Date; finished_at: Date; kpis: number; kpi_values: number },
) {
  await db.insertInto('kpi_runs').values(run).execute();
}

export async function lastRun(db: Db) {
  return (
    (await db.selectFrom('kpi_runs').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst()) ?? null
  );
}

/** The kept values, their months as 2026-11-01. */
const selectValues = (db: Db) =>
  db
    .selectFrom('kpi_values')
    .select([
      'kpi',
      'organisation_id',
      sql<string>`to_char(month, 'YYYY-MM-DD')`.as('month'),
      'numerator',
      'denominator',
      'value',
    ]);

/** The values of every KPI for one organisation (by id) or, with null, the whole place; by month. */
export async function valuesOf(db: Db, organisationId: string | null): Promise<KpiValueRow[]> {
  const query = selectValues(db);
  return (
    organisationId === null
      ? query.where('organisation_id', 'is', null)
      : query.where('organisation_id', '=', organisationId)
  )
    .orderBy('kpi')
    .orderBy('month')
    .execute();
}

/** Every value of one KPI, or of all, every organisation and the place. */
export async function allValues(db: Db, kpi?: string): Promise<KpiValueRow[]> {
  let query = selectValues(db);
  if (kpi) query = query.where('kpi', '=', kpi);
  return query.orderBy('kpi').orderBy('organisation_id').orderBy('month').execute();
}
