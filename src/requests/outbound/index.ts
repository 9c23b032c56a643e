// Sending cases on to an organisation's own system by Open311 GeoReport v2, and taking its
// updates back (polled, or pushed with the system's token); administrators set systems up.
export { loadDemoOutbound } from './demo.ts';
export { outboundPages, SYSTEMS_PAGE } from './pages.ts';
export { outboundRoutes, PUSH_PATH } from './routes.ts';
export { MAX_ATTEMPTS, type OutboundService, outboundService, SEND_JOB, UPDATES_JOB } from './service.ts';

import type { FastifyInstance } from 'fastify';
import type { PlacesService } from '../../places/index.ts';
import type { Contexts } from '../../web/index.ts';
import { outboundPages } from './pages.ts';
import { outboundRoutes } from './routes.ts';
import type { OutboundService } from './service.ts';

/** The administrators' page of systems, and the address systems push their updates to. */
export async function outboundModule(
  app: FastifyInstance,
  { contexts, outbound, places }: { contexts: Contexts; outbound: OutboundService; places: PlacesService },
) {
  await app.register(contexts.pages(outboundPages), { outbound, places });
  await app.register(contexts.api(outboundRoutes), { outbound });
}
