// Information governance: security markings, purposes and lawful bases, data-sharing
// agreements, the one guard through which every read and change of personal data is decided
// by the policies (Cedar, in policies/), and the tamper-evident audit ledger it writes to.
import type { FastifyInstance } from 'fastify';
import type { PlacesService } from '../places/index.ts';
import type { Contexts } from '../web/index.ts';
import type { AgreementsService } from './agreements/index.ts';
import { type GovernancePeople, governancePages } from './pages.ts';
import { governanceRoutes } from './routes.ts';
import type { GovernanceService } from './service.ts';

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
export {
  headKeeper,
  keepVerifiedState,
  type Ledger,
  type LedgerEntry,
  ledger,
  readHeads,
  readVerifiedState,
  type StoredEntry,
  type TreeHead,
} from './ledger/index.ts';
export { type GovernanceService, governanceService } from './service.ts';

export interface GovernanceModuleOptions {
  contexts: Contexts;
  governance: GovernanceService;
  agreements: AgreementsService;
  places: PlacesService;
  people: GovernancePeople;
}

/** Governance's API (vocabulary, policies, clearances, agreements) and its officers' pages. */
export async function governanceModule(
  app: FastifyInstance,
  { contexts, governance, agreements, places, people }: GovernanceModuleOptions,
) {
  await app.register(contexts.api(governanceRoutes), { governance, agreements });
  await app.register(contexts.pages(governancePages), { governance, agreements, places, people });
}
