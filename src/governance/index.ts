// Information governance: security markings, purposes and lawful bases, data-sharing
// agreements, the one policy decision point (Cedar policies in policies/), and the
// tamper-evident audit ledger that every decision on personal data is written to.
export type { AccessScope, Principal, RecordFacts } from './access.ts';
export { agreementContext, cedarOrganisation, principalEntity } from './access.ts';
export { type AgreementsService, agreementsService } from './agreements.ts';
export { type Ledger, type LedgerEntry, ledger } from './ledger.ts';
export { governancePages } from './pages.ts';
export { loadPolicies, type PolicyDecisionPoint, PolicyError } from './pdp.ts';
export { governanceRoutes } from './routes.ts';
export { type Authorization, type GovernanceService, governanceService } from './service.ts';
export type { ActiveAgreement } from './store.ts';
export { markingLevel, markingOfLevel, markings, parseMarking, purposes } from './vocabulary.ts';
