// SQL for joining repeated reports: the open originals near a point, and the reports joined to a case.
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';

type DuplicateTables = { cases: { id: string; duplicate_of: string | null; requested_at: Date } };
const tables = (db: Db) => db.withTables<DuplicateTables>();

export interface Near {
  service: string;
  organisation: string;
  minLat: number;
  maxLat: number;
  minLon: number;
  maxLon: number;
}

/**
 * For each place asked about (by its position in the list), the open cases of its service held by
 * its organisation inside its box that are not themselves joined to another: one query for all.
 */
export async function openOriginalsNear(db: Db, near: Near[]) {
  if (near.length === 0) return [];
  const { rows } = await sql<{ i: number; id: string; reference: string; lat: number; lon: number }>`
    SELECT x.i, o.id, o.reference, o.lat, o.lon
      FROM jsonb_to_recordset(${JSON.stringify(near.map((n, i) => ({ i, ...n })))}::jsonb)
        AS x(i int, service text, organisation uuid, "minLat" float8, "maxLat" float8, "minLon" float8, "maxLon" float8)
      CROSS JOIN LATERAL (
        SELECT c.id, c.reference, c.lat, c.lon FROM cases c
         WHERE c.service_code = x.service AND c.status IN ('open', 'in_progress') AND c.duplicate_of IS NULL
           AND c.lat BETWEEN x."minLat" AND x."maxLat" AND c.lon BETWEEN x."minLon" AND x."maxLon"
           AND c.organisation_id = x.organisation
         LIMIT 100) o`.execute(db);
  return rows;
}

/** The ids of the reports joined to a case, oldest first. */
export async function joinedTo(db: Db, caseId: string): Promise<string[]> {
  const rows = await tables(db)
    .selectFrom('cases')
    .select('id')
    .where('duplicate_of', '=', caseId)
    .orderBy('requested_at')
    .limit(200)
    .execute();
  return rows.map((r) => r.id);
}
