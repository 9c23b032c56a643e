// Pure: is a new report about the same thing as an open one? The same service, held by the
// same organisation, within a few metres: then it is joined to that case, not made another.

/** How near an open report of the same service a new one must be to count as the same thing. */
export const SAME_PLACE_METRES = 50;
const EARTH_METRES = 6_371_008.8;

export interface Point {
  lat: number;
  lon: number;
}

/** The distance along the ground between two points (haversine), in metres. */
export function metresBetween(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The box of degrees around a point that holds every point within `metres` of it. */
export function boxAround(p: Point, metres: number) {
  const lat = (metres / EARTH_METRES) * (180 / Math.PI);
  const lon = lat / Math.max(Math.cos((Math.min(Math.abs(p.lat) + lat, 89.9) * Math.PI) / 180), 1e-6);
  return { minLat: p.lat - lat, maxLat: p.lat + lat, minLon: p.lon - lon, maxLon: p.lon + lon };
}

/** The nearest of the candidates within `metres` of the point, if any. */
export function sameThing<T extends Point>(candidates: T[], p: Point, metres = SAME_PLACE_METRES): T | null {
  let best: T | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = metresBetween(c, p);
    if (d <= metres && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

export interface Report extends Point {
  service_code: string;
  organisation_id: string;
}

/** Whether two reports are about the same thing: the same service and organisation, within `metres`. */
export const sameReport = (a: Report, b: Report, metres = SAME_PLACE_METRES) =>
  a.service_code === b.service_code &&
  a.organisation_id === b.organisation_id &&
  metresBetween(a, b) <= metres;
