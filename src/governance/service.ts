// Use-cases of governance: the one guard every module decides personal data through, the
// audit ledger, the agreements in force, clearances, and the reviews of access (break-glass
// reads, unusual access).
import type { Db } from '../db/index.ts';
import type { PlacesService } from '../places/index.ts';
import type { Clock } from '../platform/index.ts';
import { agreementsInForce, agreementTitles } from './agreements/index.ts';
import {
  actorOf,
  clearances,
  guard,
  keptClearances,
  type PolicyDecisionPoint,
  principals,
} from './decisions/index.ts';
import { auditLedger, type Ledger, type LedgerOptions } from './ledger/index.ts';
import { accessReviews } from './reviews.ts';

export function governanceService(
  db: Db,
  clock: Clock,
  pdp: PolicyDecisionPoint,
  places: PlacesService,
  ledgerOptions: LedgerOptions = {},
) {
  const theLedger = auditLedger(db, clock, ledgerOptions);
  const today = () => clock.now().toISOString().slice(0, 10);
  /**
   * The agreements in force today with one of `organisations` as a party (and `other` too,
   * when given): read afresh for every decision, so a revocation applies to the next request.
   */
  const inForce = (organisations: string[], other: string | null) =>
    agreementsInForce(db, organisations, other, today());
  const kept = keptClearances(db, clock);
  const principal = principals(places, kept);
  const theGuard = guard(pdp, theLedger, { principal, agreementsInForce: inForce });
  // Other modules write events; a decision goes to the ledger through the guard alone.
  const events: Ledger = theLedger;

  return {
    pdp,
    ledger: events,
    /** The one guard for personal data: decides, writes the ledger entry and refuses, in one call. */
    guard: theGuard,
    principal,
    actorOf,

    /** Writes the policies in force to the ledger when they differ from the last ones written. */
    async notePolicies(): Promise<boolean> {
      const last = await theLedger.latest('policies.load');
      if (last?.detail?.digest === pdp.digest) return false;
      await theLedger.record([
        {
          action: 'policies.load',
          detail: { digest: pdp.digest, policies: pdp.policies.map((p) => p.id).join(', ') },
        },
      ]);
      return true;
    },

    agreementTitles: (ids: string[]) => agreementTitles(db, ids),

    /**
     * The agreements in force today with one of `organisations` as a party (and `other` too,
     * when given): what other modules (cases and referrals) pass to the policies as context.
     */
    agreementsInForce: inForce,

    ...accessReviews(db, clock, events),
    ...clearances(db, events, kept),
  };
}

export type GovernanceService = ReturnType<typeof governanceService>;
