// Outcomes: how well the place's services do, measured from the platform's own data. Requests
// taken for callers by staff (channel/), outcome KPIs defined as data files and computed by a
// job (kpis/), and the savings partners record and verify (savings/).
import type { FastifyInstance } from 'fastify';
import type { PlacesService } from '../places/index.ts';
import type { Contexts } from '../web/index.ts';
import { type CallerRequests, callerPages } from './channel/index.ts';

export interface OutcomesModuleOptions {
  contexts: Contexts;
  requests: CallerRequests;
  places: PlacesService;
}

export async function outcomesModule(
  app: FastifyInstance,
  { contexts, requests, places }: OutcomesModuleOptions,
) {
  await app.register(contexts.pages(callerPages), { requests, services: () => places.services() });
}
