// Registers of people and properties. For now: each organisation's own records of people,
// every read and write governed and audited. Linkage into one person comes next.

export { recordsPages } from './pages.ts';
export { recordsRoutes } from './routes.ts';
export { type PersonRecord, type RecordsService, recordsService } from './service.ts';
export { recordsForTesting } from './store.ts';
