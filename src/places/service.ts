// Use-cases of the places module: each one transaction, checked before it writes.
import type { Db } from '../db/index.ts';
import {
  type Actor,
  type Clock,
  Conflict,
  Invalid,
  keptRead,
  NotFound,
  requireAdmin,
  systemClock,
} from '../platform/index.ts';
import { boundaryErrors } from './geometry.ts';
import { knownOrganisations } from './known-organisations.ts';
import type { NewArea, Organisation, OrganisationKind, Service } from './schemas.ts';
import * as store from './store.ts';

/**
 * How long the place, its organisations and its services are kept in memory, read as they are on
 * nearly every public page: a change made through another instance (or the command line) shows
 * within this; one made through this one, at once.
 */
export const CATALOGUE_CACHE_MS = 5_000;

/** The place, its organisations and its services as kept: copies, so no caller's change reaches another. */
function keptCatalogue(db: Db, clock: Clock) {
  const reads = {
    place: keptRead(
      clock,
      CATALOGUE_CACHE_MS,
      async () => (await store.getPlace(db)) ?? { name: 'Unnamed place' },
    ),
    organisations: keptRead(clock, CATALOGUE_CACHE_MS, () => store.listOrganisations(db)),
    services: keptRead(clock, CATALOGUE_CACHE_MS, () => store.listServices(db, {})),
  };
  return {
    place: async () => ({ ...(await reads.place.get()) }),
    organisations: async () => [...(await reads.organisations.get())],
    services: async () => [...(await reads.services.get())],
    /** After a change made here: each is read from the database again. */
    changed() {
      for (const read of Object.values(reads)) read.forget();
    },
  };
}

interface WholePlace {
  name: string;
  organisations: Organisation[];
  areas: NewArea[];
  services: Service[];
}

async function loadPlace(trx: Db, place: WholePlace): Promise<void> {
  await store.setPlace(trx, place.name);
  for (const org of place.organisations) await store.insertOrganisation(trx, org);
  const ids = await store.organisationIds(
    trx,
    place.organisations.map((o) => o.ref),
  );
  for (const area of place.areas) {
    const coverage = area.coverage.flatMap((c) =>
      c.functions.map((fn) => ({ function: fn, organisationId: ids.get(c.organisation) as string })),
    );
    await store.insertArea(trx, area, coverage);
  }
  for (const service of place.services) await store.insertService(trx, service);
}

export function placesService(db: Db, clock: Clock = systemClock) {
  // From memory; one not yet known is read on a connection of its own: ask outside transactions.
  const { organisationsById, organisationIds } = knownOrganisations(db);
  const kept = keptCatalogue(db, clock);
  const changed = kept.changed;
  return {
    place: kept.place,
    organisations: kept.organisations,
    organisation: async (ref: string) => {
      const org = await store.findOrganisation(db, ref);
      if (!org) throw new NotFound(`There is no organisation with the reference ${ref}`);
      return org;
    },
    organisationIds,
    organisationsById,
    areas: () => store.listAreas(db),
    areaIds: () => store.areaIds(db),
    area: async (ref: string) => {
      const [area] = await store.listAreas(db, ref);
      if (!area) throw new NotFound(`There is no area with the reference ${ref}`);
      return area;
    },
    services: (filter: { q?: string; group?: string } = {}) =>
      filter.q || filter.group ? store.listServices(db, filter) : kept.services(),
    service: async (code: string) => {
      const service = await store.findService(db, code);
      if (!service) throw new NotFound(`There is no service with the code ${code}`);
      return service;
    },

    async createOrganisation(actor: Actor | null, org: Organisation): Promise<Organisation> {
      requireAdmin(actor);
      if (!(await store.insertOrganisation(db, org)))
        throw new Conflict(`The reference ${org.ref} is already used`);
      changed();
      return org;
    },

    async createArea(actor: Actor | null, area: NewArea) {
      requireAdmin(actor);
      const errors = boundaryErrors(area.boundary);
      const ids = await store.organisationIds(
        db,
        area.coverage.map((c) => c.organisation),
      );
      const coverage: { function: OrganisationKind; organisationId: string }[] = [];
      const seen = new Set<OrganisationKind>();
      area.coverage.forEach((c, i) => {
        const organisationId = ids.get(c.organisation);
        if (!organisationId) {
          errors.push({
            field: `coverage[${i}].organisation`,
            message: `There is no organisation ${c.organisation}`,
          });
        }
        for (const fn of c.functions) {
          if (seen.has(fn))
            errors.push({ field: `coverage[${i}].functions`, message: `Two organisations cover ${fn}` });
          seen.add(fn);
          if (organisationId) coverage.push({ function: fn, organisationId });
        }
      });
      if (errors.length > 0) throw new Invalid('The area has errors', errors);
      await db.transaction().execute(async (trx) => {
        if (!(await store.insertArea(trx, area, coverage)))
          throw new Conflict(`The reference ${area.ref} is already used`);
      });
      return this.area(area.ref);
    },

    async createService(actor: Actor | null, service: Service): Promise<Service> {
      requireAdmin(actor);
      if (!(await store.insertService(db, service))) {
        throw new Conflict(`The code ${service.code} or LGSL code ${service.lgslCode} is already used`);
      }
      changed();
      return service;
    },

    /** Loads a whole place in one transaction (the demo, or a place's first set-up). */
    async load(place: WholePlace): Promise<void> {
      await db.transaction().execute((trx) => loadPlace(trx, place));
      changed();
    },
  };
}

export type PlacesService = ReturnType<typeof placesService>;
