// Outcomes: how well the place's services do, measured from the platform's own data. Requests
// taken for callers by staff (channel/), outcome KPIs defined as data files and computed by a
// job (kpis/), and the savings partners record and verify (savings/).
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import type { GovernanceService } from '../governance/index.ts';
import type { PlacesService } from '../places/index.ts';
import type { Clock } from '../platform/index.ts';
import type { Contexts } from '../web/index.ts';
import { type CallerRequests, callerPages } from './channel/index.ts';
import { kpiPages, kpiRoutes, kpisService, loadKpis } from './kpis/index.ts';
import { savingsPages, savingsRoutes, savingsService } from './savings/index.ts';

export { loadDemoOutcomes } from './demo.ts';
export { KPI_JOB, type Kpi, KpiFileError, kpiDataset, loadKpis } from './kpis/index.ts';

/** The outcomes' use-cases; the KPI files are read here, so a bad one stops the start. */
export function outcomesService(
  db: Db,
  clock: Clock,
  places: PlacesService,
  governance: GovernanceService,
  kpisFolder?: string,
) {
  return {
    kpis: kpisService(db, clock, places, loadKpis(kpisFolder)),
    savings: savingsService(db, clock, governance, places),
  };
}

export type OutcomesService = ReturnType<typeof outcomesService>;

export interface OutcomesModuleOptions {
  contexts: Contexts;
  requests: CallerRequests;
  places: PlacesService;
  outcomes: OutcomesService;
}

export async function outcomesModule(
  app: FastifyInstance,
  { contexts, requests, places, outcomes }: OutcomesModuleOptions,
) {
  await app.register(contexts.pages(callerPages), { requests, services: () => places.services() });
  await app.register(contexts.pages(kpiPages), { kpis: outcomes.kpis, places });
  await app.register(contexts.api(kpiRoutes), { kpis: outcomes.kpis });
  await app.register(contexts.pages(savingsPages), { savings: outcomes.savings, places });
  await app.register(contexts.api(savingsRoutes), { savings: outcomes.savings });
}
