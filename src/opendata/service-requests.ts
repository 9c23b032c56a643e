// The service requests dataset: one row per request of a service published one by one, built
// from an allow-list of non-personal facts (never by removing personal ones): the service, the
// organisation, the status, the dates, whether the target was met, and where as a grid square.
import type { Db } from '../db/index.ts';
import { type Dataset, organisationColumns, organisationOf, placeDataset, type Row } from './dataset.ts';
import { gridSquares } from './disclosure.ts';
import * as store from './store.ts';

/** The names datasets show beside ids, read once a release from the places service. */
export interface Names {
  organisations: Map<string, { ref: string; name: string }>;
  services: Map<string, string>;
  areas: Map<string, string>;
}

export interface Sources {
  db: Db;
  names(): Promise<Names>;
  /** The smallest count published (statistics) and the grid locations are coarsened to (metres). */
  threshold: number;
  gridMetres: number;
  /** The address Flagstone is reached at, and the place's name: for documents that name themselves. */
  baseUrl: string;
  place(): Promise<string>;
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);
const startOfDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

export const requestColumns = [
  { name: 'service', description: 'The code of the service asked for' },
  { name: 'service_name', description: 'The name of the service' },
  ...organisationColumns(),
  { name: 'area', description: 'The reference of the area the request was made in' },
  { name: 'status', description: 'open, in_progress, resolved or closed, on the day of the release' },
  { name: 'opened_on', description: 'The day the request was made' },
  { name: 'closed_on', description: 'The day it was resolved or closed, if it was' },
  { name: 'target_on', description: 'The day it was to be resolved by' },
  { name: 'target_met', description: 'yes or no once resolved, or once the target has passed; empty before' },
  { name: 'grid_easting', description: 'The south-west corner of its square of the British National Grid' },
  { name: 'grid_northing', description: 'The south-west corner of its square of the British National Grid' },
  { name: 'grid_metres', description: 'The side of the square, in metres: nothing finer is published' },
  { name: 'latitude', description: 'The centre of the square' },
  { name: 'longitude', description: 'The centre of the square' },
];

/**
 * How a release's requests become published rows: only these fields, worked out from the
 * allow-listed facts. Grid squares' centres are worked out once per square, as a release turns
 * millions of requests into rows.
 */
export function requestRows(names: Names, gridMetres: number): (facts: store.CaseFacts) => Row {
  const squareOf = gridSquares(gridMetres);
  return (facts) => {
    const square = squareOf(facts.lat, facts.lon);
    const { organisation: ref, organisation_name } = organisationOf(
      names.organisations,
      facts.organisation_id,
    );
    return {
      service: facts.service_code,
      service_name: names.services.get(facts.service_code) ?? null,
      organisation: ref,
      organisation_name,
      area: facts.area_id ? (names.areas.get(facts.area_id) ?? null) : null,
      status: facts.status,
      opened_on: facts.opened_on,
      closed_on: facts.closed_on,
      target_on: facts.target_on,
      target_met: facts.target_met,
      grid_easting: square.easting,
      grid_northing: square.northing,
      grid_metres: square.size,
      latitude: square.lat,
      longitude: square.lon,
    };
  };
}

/** Requests made before today, of the services whose requests are published one by one. */
export function serviceRequests(sources: Sources): Dataset {
  return placeDataset({
    id: 'service-requests',
    title: 'Service requests',
    description:
      'Every request made to the public services of the place for a service whose requests are published one by one (potholes, street lights, missed bins and the like): the service, the organisation responsible, the area, when it was made and resolved, and whether its target was met. Where is given only as a square of the British National Grid. No names, contact details, descriptions or photos.',
    keywords: ['service requests', 'reports', 'Open311', 'performance'],
    columns: requestColumns,
    long: true,
    async build({ now, row }) {
      const before = startOfDay(now);
      const publications = await store.publications(sources.db);
      const services = [...publications].filter(([, p]) => p === 'rows').map(([code]) => code);
      const names = await sources.names();
      const rowOf = requestRows(names, sources.gridMetres);
      let first: string | null = null;
      await store.inBatches(sources.db, store.requestFacts(services, before, now), async (rows) => {
        first ??= rows[0]?.opened_on ?? null;
        for (const facts of rows) {
          const written = row(rowOf(facts));
          if (written) await written; // only when a part is stored, or the JSON's worker is behind
        }
      });
      const last = new Date(before.getTime() - 86_400_000);
      const to = day(last) as string;
      const from = (first as string | null) ?? to;
      // A dataset with no request yet covers yesterday alone.
      return { from, to: [from, to].sort()[1] as string };
    },
  });
}
