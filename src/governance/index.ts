// Information governance: security markings, purposes and lawful bases, data-sharing
// agreements, the one guard through which every read and change of personal data is decided
// by the policies (Cedar, in policies/), and the tamper-evident audit ledger it writes to.
export { type Agreement, type AgreementsService, agreementsService } from './agreements/index.ts';
export {
  type AccessScope,
  type ActiveAgreement,
  type Ask,
  actorOf,
  agreementContext,
  type Change,
  type Context,
  cedarCitizen,
  cedarOrganisation,
  type Decision,
  type Ground,
  type Guard,
  isPurpose,
  loadPolicies,
  markingLevel,
  markingOfLevel,
  markings,
  type PolicyDecisionPoint,
  PolicyError,
  type Principal,
  parseMarking,
  purposes,
} from './decisions/index.ts';
export { type Ledger, type LedgerEntry, ledger, type StoredEntry } from './ledger/index.ts';
export { governancePages } from './pages.ts';
export { governanceRoutes } from './routes.ts';
export { type GovernanceService, governanceService } from './service.ts';
