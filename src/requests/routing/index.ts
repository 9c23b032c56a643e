// Which organisation a request goes to: the place's routing table (places/routing) over its
// areas, with the overrides staff set per service and area, kept in a short-lived cache.
import type { Db } from '../../db/index.ts';
import type { GovernanceService } from '../../governance/index.ts';
import type { PlacesService } from '../../places/index.ts';
import type { Clock } from '../../platform/index.ts';
import { catalogue } from './catalogue.ts';
import { routingOverrides } from './overrides.ts';

export { ROUTING_CACHE_MS } from './catalogue.ts';
export { routingRoutes } from './routes.ts';

export function requestRouting(db: Db, clock: Clock, governance: GovernanceService, places: PlacesService) {
  const table = catalogue(db, places);
  return { ...table, ...routingOverrides(db, clock, governance, places, table) };
}

export type RequestRouting = ReturnType<typeof requestRouting>;
