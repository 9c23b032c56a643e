// Pure checks on boundaries and points that a JSON schema cannot express.
import type { FieldError } from '../platform/index.ts';
import type { Boundary } from './schemas.ts';

function polygons(boundary: Boundary): number[][][][] {
  return boundary.type === 'Polygon' ? [boundary.coordinates] : boundary.coordinates;
}

/** Every problem with a boundary's rings, as field errors (empty when it is sound). */
export function boundaryErrors(boundary: Boundary): FieldError[] {
  const errors: FieldError[] = [];
  polygons(boundary).forEach((polygon, p) => {
    polygon.forEach((ring, r) => {
      const where = `boundary.coordinates${boundary.type === 'Polygon' ? '' : `[${p}]`}[${r}]`;
      const first = ring[0] ?? [];
      const last = ring[ring.length - 1] ?? [];
      if (first[0] !== last[0] || first[1] !== last[1]) {
        errors.push({ field: where, message: 'A ring must end at the position it starts from' });
      }
      if (
        ring.some(([lon = Number.NaN, lat = Number.NaN]) => !(Math.abs(lon) <= 180 && Math.abs(lat) <= 90))
      ) {
        errors.push({
          field: where,
          message: 'Positions are [longitude, latitude] within -180..180 and -90..90',
        });
      }
    });
  });
  return errors;
}

/** What is wrong with a point given as latitude and longitude (empty when it is a point on Earth). */
export function pointErrors(lat: number | null | undefined, lon: number | null | undefined): FieldError[] {
  const errors: FieldError[] = [];
  if (lat === null || lat === undefined || !Number.isFinite(lat) || Math.abs(lat) > 90)
    errors.push({ field: 'lat', message: 'Give the latitude as a number from -90 to 90' });
  if (lon === null || lon === undefined || !Number.isFinite(lon) || Math.abs(lon) > 180)
    errors.push({ field: 'lon', message: 'Give the longitude as a number from -180 to 180' });
  return errors;
}
