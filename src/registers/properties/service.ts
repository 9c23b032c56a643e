// The gazetteer of properties by UPRN: loaded from CSV, searched by address, and for each
// property which organisations serve it for which functions (the areas of the place it lies in,
// decided by the front door's exact point-in-polygon routing table). Not personal data.
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import { type PlacesService, routingTable } from '../../places/index.ts';
import { Invalid, NotFound } from '../../platform/index.ts';
import type { RowProblem } from '../importing/index.ts';
import { normalPostcode } from '../records/index.ts';
import { checkPropertyRow, type PropertyColumn, type PropertyRow, propertyColumns } from './rows.ts';

export interface PropertyReport {
  rows: number;
  loaded: number;
  rejected: RowProblem[];
}

async function upsertProperties(db: Db, rows: PropertyRow[]) {
  if (rows.length === 0) return;
  await sql`INSERT INTO properties (uprn, address_lines, town, postcode, longitude, latitude)
    SELECT x.uprn, x.address_lines, x.town, x.postcode, x.longitude, x.latitude
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS x(uprn bigint, address_lines text, town text, postcode text, longitude float8, latitude float8)
    ON CONFLICT (uprn) DO UPDATE SET address_lines = EXCLUDED.address_lines, town = EXCLUDED.town,
      postcode = EXCLUDED.postcode, longitude = EXCLUDED.longitude, latitude = EXCLUDED.latitude, updated_at = now()
    WHERE (properties.address_lines, properties.town, properties.postcode, properties.longitude, properties.latitude)
      IS DISTINCT FROM (EXCLUDED.address_lines, EXCLUDED.town, EXCLUDED.postcode, EXCLUDED.longitude, EXCLUDED.latitude)`.execute(
    db,
  );
}

type Found = PropertyRow & { uprn: number };

export interface ServedBy {
  organisation: string;
  organisationName: string;
  functions: string[];
  area: string;
}

/** Which organisations serve a point for which functions: the areas it lies in (or on the edge of). */
async function servingOrganisations(places: PlacesService) {
  const areas = await places.areas();
  const located = routingTable(
    areas.map((f) => ({
      ref: f.properties.ref,
      name: f.properties.name,
      geometry: f.geometry as never,
      coverage: f.properties.coverage,
    })),
  );
  const names = new Map((await places.organisations()).map((o) => [o.ref, o.name]));
  return (p: { longitude: number; latitude: number }): ServedBy[] => {
    const { inside, boundary } = located.locate(p.longitude, p.latitude);
    return (inside.length > 0 ? inside : boundary).flatMap((area) =>
      area.coverage.map((c) => ({
        organisation: c.organisation,
        organisationName: names.get(c.organisation) ?? c.organisation,
        functions: c.functions,
        area: area.ref,
      })),
    );
  };
}

/** Properties at a postcode (however it is written), or whose address has every word searched for. */
async function search(db: Db, q: string, limit = 25): Promise<Found[]> {
  const words = q
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean)
    .slice(0, 8);
  if (words.length === 0)
    throw new Invalid('Say what to search for', [
      { field: 'q', message: 'Enter a postcode or part of an address' },
    ]);
  const postcode = normalPostcode(q);
  const { rows } = await sql<Found>`
    SELECT uprn, address_lines, town, postcode, longitude, latitude FROM properties
     WHERE ${
       postcode
         ? sql`postcode = ${postcode}`
         : sql.join(
             words.map((w) => sql`search LIKE ${`%${w.replace(/[\\%_]/g, '\\$&')}%`}`),
             sql` AND `,
           )
     }
     ORDER BY postcode, address_lines LIMIT ${limit}`.execute(db);
  return rows;
}

/** Loads a gazetteer file; a property already known is updated by its UPRN. */
async function importProperties(
  db: Db,
  csv: Readable,
  onBatch?: (report: PropertyReport) => void,
): Promise<PropertyReport> {
  const report: PropertyReport = { rows: 0, loaded: 0, rejected: [] };
  const parser = csv.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
  let positions: Map<PropertyColumn, number> | null = null;
  let batch = new Map<number, PropertyRow>();
  const flush = async () => {
    await upsertProperties(db, [...batch.values()]);
    report.loaded += batch.size;
    batch = new Map();
    onBatch?.(report);
  };
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    if (!positions) {
      const found = propertyColumns(record);
      if (found.missing.length > 0) {
        parser.destroy();
        throw new Invalid(`The file has no ${found.missing.join(', ')} column: nothing was loaded`, []);
      }
      positions = found.positions;
      continue;
    }
    report.rows++;
    const checked = checkPropertyRow(record, positions, info.lines);
    if (!checked.ok) report.rejected.push(...checked.rejected);
    else batch.set(checked.ok.uprn, checked.ok);
    if (batch.size >= 1000) await flush();
  }
  if (!positions) throw new Invalid('The file is empty: it needs a header row', []);
  await flush();
  return report;
}

export function propertiesService(db: Db, places: PlacesService) {
  return {
    /** Properties at a postcode (however it is written), or whose address has every word searched for. */
    search: (q: string, limit?: number) => search(db, q, limit),

    /** Loads a gazetteer file; a property already known is updated by its UPRN. */
    importProperties: (csv: Readable, onBatch?: (report: PropertyReport) => void) =>
      importProperties(db, csv, onBatch),

    /** As `search`, each property with which organisations serve it for which functions. */
    async searchServed(q: string, limit = 25): Promise<(Found & { servedBy: ServedBy[] })[]> {
      const found = await search(db, q, limit);
      const serving = await servingOrganisations(places);
      return found.map((row) => ({ ...row, servedBy: serving(row) }));
    },

    /** The points of up to `limit` properties within [west, south, east, north], to draw on a map. */
    async within([west, south, east, north]: [number, number, number, number], limit = 5000) {
      const { rows } = await sql<{ longitude: number; latitude: number }>`
        SELECT longitude, latitude FROM properties
         WHERE latitude BETWEEN ${south} AND ${north} AND longitude BETWEEN ${west} AND ${east}
         LIMIT ${limit}`.execute(db);
      return rows.map((r): [number, number] => [r.longitude, r.latitude]);
    },

    /** One property and which organisations serve it for which functions. */
    async property(uprn: number) {
      const { rows } = await sql<Found>`
        SELECT uprn, address_lines, town, postcode, longitude, latitude FROM properties WHERE uprn = ${uprn}`.execute(
        db,
      );
      const found = rows[0];
      if (!found) throw new NotFound(`There is no property with the UPRN ${uprn}`);
      return { ...found, servedBy: (await servingOrganisations(places))(found) };
    },
  };
}

export type PropertiesService = ReturnType<typeof propertiesService>;
