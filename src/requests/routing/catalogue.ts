// The catalogue requests are routed by: the place's areas, organisations and services with the
// routing overrides staff set, as one routing table kept for a while (places change rarely).
import type { Db } from '../../db/index.ts';
import {
  type PlacesService,
  pointErrors,
  type Route,
  type RoutingTable,
  routingTable,
  type Service,
} from '../../places/index.ts';
import { Invalid, NotFound } from '../../platform/index.ts';
import * as store from './store.ts';

/** How long the routing table is kept before it is read again (Open311 keys are kept as long). */
export const ROUTING_CACHE_MS = 30_000;

interface Cached {
  table: RoutingTable;
  at: number;
  organisationIds: Map<string, string>;
  areaIds: Map<string, string>;
  services: Map<string, Service>;
  placeName: string;
}

/** Where a request goes, with the ids it is stored with; or why it cannot be taken there. */
export type Destination =
  | (Extract<Route, { ok: true }> & { organisationId: string; areaId: string | null })
  | { ok: false; refusal: Invalid };

type StoredOverride = Awaited<ReturnType<typeof store.overrides>>[number];

/**
 * Overrides with their area's and organisation's references (from places), by service and then by
 * area reference as the database orders them: `areaIds` comes in that order.
 */
export async function byReference(
  places: Pick<PlacesService, 'organisationsById'>,
  stored: StoredOverride[],
  areaIds: Map<string, string>,
) {
  const organisations = await places.organisationsById(stored.map((o) => o.organisation_id));
  const areas = new Map([...areaIds].map(([ref, id], order) => [id, { ref, order }]));
  // The rows come ordered by service: a service's first row gives its place.
  const serviceOrder = new Map<string, number>();
  stored.forEach((o, i) => {
    if (!serviceOrder.has(o.service)) serviceOrder.set(o.service, i);
  });
  return stored
    .flatMap(({ service, area_id, organisation_id, reason, set_at }) => {
      const area = areas.get(area_id);
      const organisation = organisations.get(organisation_id);
      if (!area || !organisation) return [];
      const override = { service, area: area.ref, organisation: organisation.ref, reason, set_at };
      return [{ override, order: [serviceOrder.get(service) ?? 0, area.order] as const }];
    })
    .sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1])
    .map((o) => o.override);
}

/** An unknown service as nothing; any other failure (the database gone) stays one. */
const unknownAsNull = (error: unknown) => {
  if (error instanceof Invalid) return null;
  throw error;
};

export function catalogue(db: Db, places: PlacesService) {
  let cached: Cached | null = null;

  /** The routing table and the ids it names, read again once it is older than ROUTING_CACHE_MS. */
  async function current(): Promise<Cached> {
    if (cached && Date.now() - cached.at < ROUTING_CACHE_MS) return cached;
    const [areas, organisations, stored, services, areaIds, place] = await Promise.all([
      places.areas(),
      places.organisations(),
      store.overrides(db),
      places.services(),
      places.areaIds(),
      places.place(),
    ]);
    const table = routingTable(
      areas.map((a) => ({
        ref: a.properties.ref,
        name: a.properties.name,
        geometry: a.geometry,
        coverage: a.properties.coverage,
      })),
      await byReference(places, stored, areaIds),
      new Map(organisations.map((o) => [o.ref, o.name])),
    );
    cached = {
      table,
      at: Date.now(),
      organisationIds: await places.organisationIds(organisations.map((o) => o.ref)),
      areaIds,
      services: new Map(services.map((x) => [x.code, x])),
      placeName: place.name,
    };
    return cached;
  }

  /** A service of the catalogue; an unknown code is an error on `field`. */
  async function service(code: string, field = 'service'): Promise<Service> {
    try {
      return (await current()).services.get(code) ?? (await places.service(code));
    } catch (error) {
      if (!(error instanceof NotFound)) throw error; // the database gone, say
      const message = `There is no service with the code ${code}`;
      throw new Invalid(message, [{ field, message }]);
    }
  }

  async function destination(s: Service, lat: number, lon: number): Promise<Destination> {
    const answer = (await current()).table.route(s, lon, lat);
    if (!answer.ok) {
      const message =
        answer.problem === 'outside'
          ? `The location is outside ${(await current()).placeName}: we cannot take reports there`
          : answer.explanation;
      return { ok: false, refusal: new Invalid(message, [{ field: 'lat', message }]) };
    }
    const { organisationIds, areaIds } = await current();
    return {
      ...answer,
      organisationId: organisationIds.get(answer.organisation) as string,
      areaId: areaIds.get(answer.area) ?? null,
    };
  }

  /** Which organisation serves a service at a point, and why: the answer of GET /api/v1/route. */
  async function route(code: string, lat: number, lon: number) {
    const s = await service(code);
    const errors = pointErrors(lat, lon);
    if (errors.length > 0) throw new Invalid('The location is not a valid point', errors);
    const answer = await destination(s, lat, lon);
    if (!answer.ok) throw answer.refusal;
    const organisation = await places.organisation(answer.organisation);
    const area = await places.area(answer.area);
    return {
      service: { code: s.code, name: s.name, responsibleKind: s.responsibleKind },
      organisation: { ref: organisation.ref, name: organisation.name, kind: organisation.kind },
      area: { ref: area.properties.ref, name: area.properties.name },
      basis: answer.basis,
      onBoundaryOf: answer.onBoundaryOf,
      explanation: answer.explanation,
    };
  }

  return {
    service,
    destination,
    route,
    /** Whether the catalogue has a service (from the routing cache: no query). */
    hasService: async (code: string) => !!(await service(code).catch(unknownAsNull)),
    /** Forgets the table, so that the next request reads it again (an override changed). */
    forget() {
      cached = null;
    },
  };
}

export type Catalogue = ReturnType<typeof catalogue>;
