// SQL of local alerts: the newest reports within a distance of a point, public fields only.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { Alert } from './feed.ts';

const EARTH_METRES = 6_371_000;

/** Reports since `since`, within `metres` of the point, of the services given (all when none), newest first. */
export async function reportsNear(
  db: Db,
  near: { lat: number; lon: number; metres: number; services: string[]; since: Date },
  limit = 50,
): Promise<Alert[]> {
  const dLat = (near.metres / EARTH_METRES) * (180 / Math.PI);
  const dLon = dLat / Math.max(Math.cos((near.lat * Math.PI) / 180), 0.01);
  const distance = sql<number>`${EARTH_METRES} * 2 * asin(sqrt(
    power(sin(radians(c.lat - ${near.lat}) / 2), 2) +
    cos(radians(${near.lat})) * cos(radians(c.lat)) * power(sin(radians(c.lon - ${near.lon}) / 2), 2)))`;
  let query = db
    .selectFrom('cases as c')
    .innerJoin('services as s', 's.code', 'c.service_code')
    .leftJoin('areas as a', 'a.id', 'c.area_id')
    .select([
      'c.reference',
      's.name as service_name',
      'a.name as area',
      'c.requested_at',
      distance.as('distance'),
    ])
    .where('c.requested_at', '>=', near.since)
    .where('c.duplicate_of', 'is', null)
    .where('c.lat', '>=', near.lat - dLat)
    .where('c.lat', '<=', near.lat + dLat)
    .where('c.lon', '>=', near.lon - dLon)
    .where('c.lon', '<=', near.lon + dLon)
    .where(distance, '<=', near.metres);
  if (near.services.length > 0) query = query.where('c.service_code', 'in', near.services);
  const rows = await query.orderBy('c.requested_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    reference: r.reference,
    serviceName: r.service_name,
    area: r.area,
    requestedAt: r.requested_at,
    distanceMetres: Number(r.distance),
  }));
}
