// SQL of local alerts: the newest reports within a distance of a point, or in an area; public
// fields only.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { Alert } from './feed.ts';

const EARTH_METRES = 6_371_000;

/** Where alerts are for: within `metres` of a point, or in an area (by its id). */
export type Where = { lat: number; lon: number; metres: number } | { areaId: string };

/** Reports since `since` of the services given (all when none), near the point or in the area, newest first. */
export async function reportsFor(
  db: Db,
  where: Where & { services: string[]; since: Date },
  limit = 50,
): Promise<Alert[]> {
  let query = db
    .selectFrom('cases as c')
    .innerJoin('services as s', 's.code', 'c.service_code')
    .leftJoin('areas as a', 'a.id', 'c.area_id')
    .select(['c.reference', 's.name as service_name', 'a.name as area', 'c.requested_at'])
    .where('c.requested_at', '>=', where.since)
    .where('c.duplicate_of', 'is', null);
  if (where.services.length > 0) query = query.where('c.service_code', 'in', where.services);
  if ('areaId' in where) {
    const rows = await query
      .where('c.area_id', '=', where.areaId)
      .orderBy('c.requested_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...alertOf(r), distanceMetres: null }));
  }
  const dLat = (where.metres / EARTH_METRES) * (180 / Math.PI);
  const dLon = dLat / Math.max(Math.cos((where.lat * Math.PI) / 180), 0.01);
  const distance = sql<number>`${EARTH_METRES} * 2 * asin(sqrt(
    power(sin(radians(c.lat - ${where.lat}) / 2), 2) +
    cos(radians(${where.lat})) * cos(radians(c.lat)) * power(sin(radians(c.lon - ${where.lon}) / 2), 2)))`;
  const rows = await query
    .select(distance.as('distance'))
    .where('c.lat', '>=', where.lat - dLat)
    .where('c.lat', '<=', where.lat + dLat)
    .where('c.lon', '>=', where.lon - dLon)
    .where('c.lon', '<=', where.lon + dLon)
    .where(distance, '<=', where.metres)
    .orderBy('c.requested_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...alertOf(r), distanceMetres: Number(r.distance) }));
}

const alertOf = (r: {
  reference: string;
  service_name: string;
  area: string | null;
  requested_at: Date;
}) => ({
  reference: r.reference,
  serviceName: r.service_name,
  area: r.area,
  requestedAt: r.requested_at,
});
