// Decisions on personal data: the policies (Cedar, in policies/), who is asking, the
// controlled words (markings, purposes), and the one guard through which every read and
// change of personal data is decided, written to the ledger and, when refused, refused.
export { clearances, keptClearances } from './clearances.ts';
export {
  type ActiveAgreement,
  agreementContext,
  cedarCitizen,
  cedarOrganisation,
  principalEntity,
} from './entities.ts';
export {
  type Ask,
  type Change,
  type Context,
  type Decision,
  type Ground,
  type Guard,
  guard,
  type Question,
} from './guard.ts';
export { loadPolicies, type PolicyDecisionPoint, PolicyError } from './pdp.ts';
export { actorOf, type Principal, principals } from './principal.ts';
export type { AccessScope } from './scope.ts';
export {
  datasets,
  isPurpose,
  type LawfulBasis,
  lawfulBases,
  markingLevel,
  markingOfLevel,
  markings,
  parseMarking,
  purposes,
  type SpecialCategoryBasis,
  specialCategoryBases,
} from './vocabulary.ts';
