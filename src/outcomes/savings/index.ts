// The savings ledger the partners share: savings recorded, realised, verified by another partner
// or reversed (never edited), and channel shift's saving computed from the requests.

export { savingsPages } from './pages.ts';
export { savingsRoutes } from './routes.ts';
export { type NewSaving, type SavingsService, savingsService } from './service.ts';
