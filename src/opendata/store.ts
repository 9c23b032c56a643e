// SQL of open data: the releases and their files (written in parts, served as a stream), how
// each service's requests may be published, the schedules, and the reads of cases that datasets
// are built from (allow-listed, non-personal columns only: decision 0014).
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/index.ts';

export type Publication = 'rows' | 'counts' | 'never';

export interface ReleaseRow {
  id: string;
  dataset: string;
  version: number;
  published_at: Date;
  covers_from: string;
  covers_to: string;
  row_count: number;
  ledger_seq: number | null;
  withdrawn_at: Date | null;
  withdrawn_reason: string | null;
}

export interface FileRow {
  release_id: string;
  format: string;
  media_type: string;
  byte_size: number;
  sha256: string;
}

export async function publications(db: Db): Promise<Map<string, Publication>> {
  const rows = await db.selectFrom('open_data_services').selectAll().execute();
  return new Map(rows.map((r) => [r.service_code, r.publication as Publication]));
}

export async function setPublication(db: Db, service: string, publication: Publication) {
  await db
    .insertInto('open_data_services')
    .values({ service_code: service, publication })
    .onConflict((oc) => oc.column('service_code').doUpdateSet({ publication }))
    .execute();
}

export async function schedules(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom('open_data_schedules').selectAll().execute();
  return new Map(rows.map((r) => [r.dataset, r.every_hours]));
}

export async function setSchedule(db: Db, dataset: string, everyHours: number) {
  await db
    .insertInto('open_data_schedules')
    .values({ dataset, every_hours: everyHours })
    .onConflict((oc) => oc.column('dataset').doUpdateSet({ every_hours: everyHours }))
    .execute();
}

/** Only one release of a dataset is made at a time, by any instance. */
export async function lockDataset(trx: Db, dataset: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`opendata:${dataset}`}))`.execute(trx);
}

export async function latestVersion(db: Db, dataset: string): Promise<number> {
  const row = await db
    .selectFrom('open_data_releases')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('dataset', '=', dataset)
    .executeTakeFirst();
  return Number(row?.v ?? 0);
}

export async function insertPart(trx: Db, releaseId: string, format: string, part: number, bytes: Buffer) {
  await trx
    .insertInto('open_data_file_parts')
    .values({ release_id: releaseId, format, part, bytes })
    .execute();
}

export async function insertRelease(
  trx: Db,
  release: Omit<ReleaseRow, 'withdrawn_at' | 'withdrawn_reason'>,
  files: FileRow[],
) {
  await trx.insertInto('open_data_releases').values(release).execute();
  if (files.length > 0) await trx.insertInto('open_data_files').values(files).execute();
}

export async function withdraw(trx: Db, id: string, at: Date, reason: string): Promise<boolean> {
  const done = await trx
    .updateTable('open_data_releases')
    .set({ withdrawn_at: at, withdrawn_reason: reason })
    .where('id', '=', id)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return done.numUpdatedRows > 0n;
}

/**
 * What the releases are now, in one short string: releases are only ever added or withdrawn (the
 * database refuses anything else), so the same string means the same releases.
 */
export async function releasesState(db: Db): Promise<string> {
  const row = await db
    .selectFrom('open_data_releases')
    .select((eb) => [
      eb.fn.countAll<string>().as('made'),
      eb.fn.count<string>('withdrawn_at').as('withdrawn'),
      eb.fn.max('published_at').as('latest'),
    ])
    .executeTakeFirstOrThrow();
  return `${row.made}/${row.withdrawn}/${row.latest ? new Date(row.latest).toISOString() : ''}`;
}

export function releases(db: Db, dataset?: string): Promise<ReleaseRow[]> {
  const query = db.selectFrom('open_data_releases').selectAll();
  // A dataset's releases in the order they were made; all datasets', newest first.
  if (dataset)
    return query.where('dataset', '=', dataset).orderBy('version', 'desc').execute() as Promise<ReleaseRow[]>;
  return query
    .orderBy('published_at', 'desc')
    .orderBy('dataset')
    .orderBy('version', 'desc')
    .execute() as Promise<ReleaseRow[]>;
}

export async function release(db: Db, dataset: string, version: number): Promise<ReleaseRow | undefined> {
  return db
    .selectFrom('open_data_releases')
    .selectAll()
    .where('dataset', '=', dataset)
    .where('version', '=', version)
    .executeTakeFirst() as Promise<ReleaseRow | undefined>;
}

export function filesOf(db: Db, releaseIds: string[]): Promise<FileRow[]> {
  if (releaseIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('open_data_files')
    .selectAll()
    .where('release_id', 'in', releaseIds)
    .orderBy('format')
    .execute() as Promise<FileRow[]>;
}

/** A file's bytes, part by part, a few parts a query: served in constant memory. */
export async function* fileParts(db: Db, releaseId: string, format: string): AsyncGenerator<Buffer> {
  for (let from = 0; ; from += 4) {
    const parts = await db
      .selectFrom('open_data_file_parts')
      .select('bytes')
      .where('release_id', '=', releaseId)
      .where('format', '=', format)
      .where('part', '>=', from)
      .where('part', '<', from + 4)
      .orderBy('part')
      .execute();
    for (const p of parts) yield p.bytes;
    if (parts.length < 4) return;
  }
}

/**
 * Runs `query` through a cursor in a read-only transaction of its own (one snapshot), handing
 * `batch` rows at a time to `each`: millions of rows in constant memory.
 */
export async function inBatches<T>(
  db: Db,
  query: RawBuilder<T>,
  each: (rows: T[]) => Promise<void>,
  batch = 5000,
): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`.execute(conn);
    try {
      // Every row is read: plan for all of them, not for the first few (a cursor's default).
      await sql`SET LOCAL cursor_tuple_fraction = 1.0`.execute(conn);
      await sql`DECLARE open_data_rows NO SCROLL CURSOR FOR ${query}`.execute(conn);
      const fetch = () => {
        const rows = sql<T>`FETCH ${sql.raw(String(batch))} FROM open_data_rows`.execute(conn);
        rows.catch(() => {}); // awaited below; a batch left behind when `each` fails is not an unhandled rejection
        return rows;
      };
      // The next batch is asked for while this one is handled: PostgreSQL and Node work at once.
      let next = fetch();
      for (;;) {
        const { rows } = await next;
        const more = rows.length === batch;
        if (more) next = fetch();
        if (rows.length > 0) await each(rows);
        if (!more) break;
      }
    } finally {
      await sql`ROLLBACK`.execute(conn);
    }
  });
}

/** Non-personal facts of a case: what a dataset of requests may be built from (days as YYYY-MM-DD, UTC). */
export interface CaseFacts {
  service_code: string;
  organisation_id: string;
  area_id: string | null;
  status: string;
  opened_on: string;
  closed_on: string | null;
  target_on: string | null;
  /** Resolved by its target; false also once the target has passed unresolved; null before. */
  target_met: boolean | null;
  lat: number;
  lon: number;
}

/**
 * Requests made before `before` of the `services` given, one by one: only the allow-listed
 * columns, never a case marked OFFICIAL-SENSITIVE, referred, or routed by a referral. Days and
 * the target are worked out here, so that millions of rows need no date parsing.
 */
export function requestFacts(services: string[], before: Date, now: Date): RawBuilder<CaseFacts> {
  const codes = services.length > 0 ? services : [''];
  return sql<CaseFacts>`
    SELECT c.service_code, c.organisation_id, c.area_id, c.status,
           to_char(c.requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS opened_on,
           CASE WHEN closed THEN to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') END AS closed_on,
           to_char(c.expected_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS target_on,
           CASE WHEN c.expected_at IS NULL THEN NULL
                WHEN closed THEN c.updated_at <= c.expected_at
                WHEN ${now}::timestamptz > c.expected_at THEN false END AS target_met,
           c.lat, c.lon
      FROM cases c, LATERAL (SELECT c.status IN ('resolved', 'closed') AS closed) AS s
     WHERE c.requested_at < ${before}
       AND c.service_code IN (${sql.join(codes)})
       AND c.marking_level = 1
       AND c.route_basis <> 'referral'
       AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = c.id)
     ORDER BY c.requested_at, c.id`;
}

export interface MonthFigures {
  organisation_id: string;
  month: string;
  /** null on the rows of totals over services. */
  service_code: string | null;
  /** null on the rows of totals over areas; '' for requests in no area. */
  area_id: string | null;
  requests: number;
  median_days: number | null;
}

/**
 * Requests made in each whole month from `from` to before `to` (months that have ended), by
 * organisation, service and area, with the totals over services, over areas and over both; and
 * the median days to resolve those resolved by the end of the next month (so a month's figures
 * do not change once published).
 */
export async function monthFigures(
  db: Db,
  services: string[],
  from: Date,
  to: Date,
): Promise<MonthFigures[]> {
  const codes = services.length > 0 ? services : [''];
  const { rows } = await sql<MonthFigures>`
    WITH facts AS (
      SELECT c.organisation_id, c.service_code, coalesce(c.area_id::text, '') AS area_id,
             date_trunc('month', c.requested_at AT TIME ZONE 'UTC') AS month,
             CASE WHEN c.status IN ('resolved', 'closed')
                   AND c.updated_at < (date_trunc('month', c.requested_at AT TIME ZONE 'UTC') + interval '2 months') AT TIME ZONE 'UTC'
                  THEN extract(epoch FROM c.updated_at - c.requested_at) / 86400 END AS days
        FROM cases c
       WHERE c.requested_at >= ${from} AND c.requested_at < ${to}
         AND c.service_code IN (${sql.join(codes)})
    )
    SELECT organisation_id::text, to_char(month, 'YYYY-MM') AS month, service_code, area_id,
           count(*)::int AS requests,
           round((percentile_cont(0.5) WITHIN GROUP (ORDER BY days))::numeric, 1)::float8 AS median_days
      FROM facts
     GROUP BY GROUPING SETS ((organisation_id, month, service_code, area_id), (organisation_id, month, service_code),
                             (organisation_id, month, area_id), (organisation_id, month))
     ORDER BY organisation_id, month`.execute(db);
  return rows;
}

/** The first day a request was made on, for the period a dataset covers. */
export async function firstRequest(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom('cases')
    .select((eb) => eb.fn.min('requested_at').as('first'))
    .executeTakeFirst();
  return (row?.first as Date | null) ?? null;
}
