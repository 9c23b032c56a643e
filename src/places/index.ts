// The place: its organisations, the areas they cover for which functions, and the
// catalogue of services the place offers. Everything else routes and governs by these.
import type { FastifyInstance } from 'fastify';
import type { Contexts } from '../web/index.ts';
import { placesRoutes } from './routes.ts';
import type { PlacesService } from './service.ts';

export { demoAddresses, demoGazetteer } from './demo-gazetteer.ts';
export { type DemoAccount, demoPlace, demoPoints } from './demo-place.ts';
export { pointErrors } from './geometry.ts';
export type { KnownOrganisation } from './known-organisations.ts';
export { type Route, type RoutingTable, routingTable } from './routing/index.ts';
export type { Boundary, NewArea, Organisation, OrganisationKind, Service } from './schemas.ts';
export { organisationKinds } from './schemas.ts';
export { type PlacesService, placesService } from './service.ts';

/** What places serves: the open API of the place, its organisations, areas and services. */
export async function placesModule(
  app: FastifyInstance,
  { contexts, places }: { contexts: Contexts; places: PlacesService },
) {
  await app.register(contexts.api(placesRoutes), { places });
}
