// Planning the route: each organisation of the place assesses its maturity against the
// strategy's framework (framework-2026.json, versioned), keeps an action plan, and is compared
// with its partners across the place. Others build its service and register its one plugin.
import type { FastifyInstance } from 'fastify';
import type { Contexts } from '../../web/index.ts';
import { adminPages } from './admin-pages.ts';
import { benchmarkPages } from './benchmark-pages.ts';
import { evidencePages } from './evidence-pages.ts';
import { routemapPages } from './pages.ts';
import { planPages } from './plan-pages.ts';
import { routemapRoutes } from './routes.ts';
import type { RoutemapService } from './service.ts';

export { loadDemoRoutemap } from './demo.ts';
export { builtInFramework, type Framework, parseFramework } from './framework.ts';
export { type RoutemapService, routemapService } from './service.ts';

/** The routemap's pages and API, each in its context. */
export async function routemapModule(
  app: FastifyInstance,
  { contexts, routemap }: { contexts: Contexts; routemap: RoutemapService },
) {
  await app.register(contexts.api(routemapRoutes), { routemap });
  await app.register(contexts.pages(benchmarkPages), { routemap });
  await app.register(contexts.pages(routemapPages), { routemap });
  await app.register(contexts.pages(planPages), { routemap });
  await app.register(contexts.pages(evidencePages), { routemap });
  await app.register(contexts.pages(adminPages), { routemap });
}
export { benchmarkDataset } from './open-data.ts';
