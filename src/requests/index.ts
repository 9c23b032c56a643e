// The front door: citizens report and request without knowing who does what. Requests are
// routed by service and location to the responsible organisation, taken through Open311 and
// GOV.UK pages, and worked as cases (updates, notes, referrals, deadlines) under governance.
import type { FastifyInstance } from 'fastify';
import type { PlacesService } from '../places/index.ts';
import { open311Routes } from './open311.ts';
import type { RequestsService } from './service.ts';

export { type DeadlinesService, deadlinesService } from './deadlines.ts';
export { type InboxService, inboxService } from './inbox.ts';
export { inboxPages } from './inbox-pages.ts';
export { requestsPages } from './pages.ts';
export { requestsRoutes } from './routes.ts';
export { type SeparationService, separationService } from './separate.ts';
export { separateRoutes } from './separate-routes.ts';
export { type NewRequest, type RequestsService, requestsService } from './service.ts';
export { type StoredPhotosService, type StripProgress, storedPhotosService } from './stored-photos.ts';
export { teamPages } from './team-pages.ts';
export { type TeamsService, teamsService } from './teams.ts';

/** Open311 GeoReport v2 under /open311/v2, with its own error format. */
export async function open311(
  app: FastifyInstance,
  options: { requests: RequestsService; places: PlacesService },
) {
  await app.register(open311Routes, { ...options, prefix: '/open311/v2' });
}
