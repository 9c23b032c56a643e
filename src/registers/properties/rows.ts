// Pure: the rows of a gazetteer file checked one by one. A place is given either as latitude
// and longitude or as British National Grid easting and northing (converted with proj4).
import proj4 from 'proj4';
import type { RowProblem } from '../importing/index.ts';
import { normalPostcode } from '../records/index.ts';

proj4.defs(
  'EPSG:27700',
  '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
    '+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs',
);

export const PROPERTY_COLUMNS = [
  'uprn',
  'address',
  'town',
  'postcode',
  'latitude',
  'longitude',
  'easting',
  'northing',
] as const;
export type PropertyColumn = (typeof PROPERTY_COLUMNS)[number];

export interface PropertyRow {
  uprn: number;
  address_lines: string;
  town: string | null;
  postcode: string | null;
  longitude: number;
  latitude: number;
}

/** Where each column is; refuses a header without uprn, address and one way of giving the place. */
export function propertyColumns(header: readonly string[]) {
  const clean = header.map((h) =>
    h
      .trim()
      .replace(/^\uFEFF/, '')
      .toLowerCase(),
  );
  const positions = new Map<PropertyColumn, number>();
  for (const c of PROPERTY_COLUMNS) if (clean.includes(c)) positions.set(c, clean.indexOf(c));
  const missing: string[] = (['uprn', 'address'] as const).filter((c) => !positions.has(c));
  const latLong = positions.has('latitude') && positions.has('longitude');
  const grid = positions.has('easting') && positions.has('northing');
  if (!latLong && !grid) missing.push('latitude and longitude (or easting and northing)');
  return { positions, missing };
}

/** British National Grid easting and northing (metres) to WGS84 [longitude, latitude]. */
export function fromNationalGrid(easting: number, northing: number): [number, number] {
  const [lon, lat] = proj4('EPSG:27700', 'WGS84', [easting, northing]);
  return [lon as number, lat as number];
}

export function checkPropertyRow(
  cells: readonly string[],
  positions: Map<PropertyColumn, number>,
  row: number,
): { ok: PropertyRow | null; rejected: RowProblem[] } {
  const value = (c: PropertyColumn) => {
    const at = positions.get(c);
    return at === undefined ? '' : (cells[at] ?? '').trim();
  };
  const rejected: RowProblem[] = [];
  const uprn = value('uprn');
  if (!/^\d{1,12}$/.test(uprn) || Number(uprn) === 0)
    rejected.push({ row, field: 'uprn', reason: 'not a UPRN (a whole number of up to 12 digits)' });
  const address = value('address');
  if (!address) rejected.push({ row, field: 'address', reason: 'the address is missing' });
  if (address.length > 500) rejected.push({ row, field: 'address', reason: 'longer than 500 characters' });
  const rawPostcode = value('postcode');
  const postcode = rawPostcode ? normalPostcode(rawPostcode) : null;
  if (rawPostcode && !postcode) rejected.push({ row, field: 'postcode', reason: 'not a postcode' });
  let place: [number, number] | null = null;
  const number = (c: PropertyColumn) => (value(c) === '' ? Number.NaN : Number(value(c)));
  if (value('latitude') || value('longitude')) {
    const lat = number('latitude');
    const lon = number('longitude');
    if (Math.abs(lat) <= 90 && Math.abs(lon) <= 180) place = [lon, lat];
    else
      rejected.push({
        row,
        field: 'latitude',
        reason: 'latitude and longitude must be numbers within ±90 and ±180',
      });
  } else {
    const e = number('easting');
    const n = number('northing');
    if (e >= 0 && e <= 700_000 && n >= 0 && n <= 1_300_000) place = fromNationalGrid(e, n);
    else
      rejected.push({
        row,
        field: 'easting',
        reason: 'easting and northing must be metres on the British National Grid',
      });
  }
  if (rejected.length > 0 || !place) return { ok: null, rejected };
  return {
    ok: {
      uprn: Number(uprn),
      address_lines: address,
      town: value('town') || null,
      postcode,
      longitude: place[0],
      latitude: place[1],
    },
    rejected,
  };
}
