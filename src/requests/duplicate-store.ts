// SQL for joining repeated reports: the open originals near a point, and the reports joined to a case.
import type { Db } from '../db/index.ts';
import type { boxAround } from './duplicates.ts';

type DuplicateTables = {
  cases: {
    id: string;
    reference: string;
    service_code: string;
    organisation_id: string;
    status: string;
    duplicate_of: string | null;
    lat: number;
    lon: number;
    requested_at: Date;
  };
};
const tables = (db: Db) => db.withTables<DuplicateTables>();

/** Open cases of a service held by an organisation, in a box, that are not themselves joined to another. */
export async function openOriginalsIn(
  db: Db,
  service: string,
  organisationId: string,
  box: ReturnType<typeof boxAround>,
) {
  return tables(db)
    .selectFrom('cases')
    .select(['id', 'reference', 'lat', 'lon'])
    .where('service_code', '=', service)
    .where('status', 'in', ['open', 'in_progress'])
    .where('duplicate_of', 'is', null)
    .where('organisation_id', '=', organisationId)
    .where('lat', '>=', box.minLat)
    .where('lat', '<=', box.maxLat)
    .where('lon', '>=', box.minLon)
    .where('lon', '<=', box.maxLon)
    .limit(100)
    .execute();
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
