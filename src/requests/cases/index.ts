// Cases: what the public and the citizen read of requests, and staff work on them (the inbox,
// a case, its status and updates, assignment, deadlines and escalation, separating a report
// wrongly joined to another), with their pages and API.
export { casePages } from './case-pages.ts';
export { type DeadlinesService, deadlinesService } from './deadlines.ts';
export { followPages } from './follow-pages.ts';
export { type InboxService, inboxService } from './inbox.ts';
export { type HeldIn, inboxPages } from './inbox-pages.ts';
export { type PublicCases, publicCases } from './public.ts';
export { casesRoutes } from './routes.ts';
export { type SeparationService, separationService } from './separate.ts';
export { separatePages, separateRoutes } from './separate-routes.ts';
export { caseWork } from './work.ts';
