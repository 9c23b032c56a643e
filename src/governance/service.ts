// Use-cases of governance: the one guard every module decides personal data through, the
// audit ledger, the agreements in force, clearances, and the reviews of access (break-glass
// reads, unusual access).
import type { Db } from '../db/index.ts';
import type { PlacesService } from '../places/index.ts';
import { type Actor, type Clock, Conflict, Forbidden, Invalid, requireActor } from '../platform/index.ts';
import { agreementsInForce, agreementTitles } from './agreements/index.ts';
import { actorOf, guard, type PolicyDecisionPoint, principals, setClearance } from './decisions/index.ts';
import { auditLedger, type Ledger, type StoredEntry } from './ledger/index.ts';
import { requireGovernanceRole } from './roles.ts';
import * as store from './store.ts';

export function governanceService(
  db: Db,
  clock: Clock,
  pdp: PolicyDecisionPoint,
  places: PlacesService,
  connectionString?: string,
) {
  const theLedger = auditLedger(db, clock, { connectionString });
  const today = () => clock.now().toISOString().slice(0, 10);
  /**
   * The agreements in force today with one of `organisations` as a party (and `other` too,
   * when given): read afresh for every decision, so a revocation applies to the next request.
   */
  const inForce = (organisations: string[], other: string | null) =>
    agreementsInForce(db, organisations, other, today());
  const principal = principals(db, places);
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

    /** Break-glass reads and their reviews, for information governance officers and auditors. */
    async breakGlassQueue(actor: Actor | null) {
      requireGovernanceRole(actor, ['ig_officer', 'auditor', 'admin']);
      return (await store.breakGlassQueue(db)).map((row) => ({
        seq: Number(row.seq),
        entry: JSON.parse(row.body) as StoredEntry,
        outcome: row.outcome,
        notes: row.notes,
      }));
    },

    async reviewBreakGlass(actor: Actor | null, seq: number, outcome: string, notes: string) {
      const who = requireGovernanceRole(actor, ['ig_officer']);
      if (outcome !== 'justified' && outcome !== 'not_justified') {
        throw new Invalid('Choose whether the access was justified', [
          { field: 'outcome', message: 'Choose justified or not justified' },
        ]);
      }
      await db.transaction().execute(async (trx) => {
        if (!(await store.reviewBreakGlass(trx, seq, who.accountId, outcome, notes.trim() || null))) {
          throw new Conflict('That emergency access has already been reviewed, or is not one');
        }
        await theLedger.append(trx, [
          {
            action: 'break-glass.review',
            actor: { account: who.accountId, kind: 'staff' },
            detail: { entry: seq, outcome },
          },
        ]);
      });
    },

    async unusualAccess(actor: Actor | null) {
      requireGovernanceRole(actor, ['ig_officer', 'auditor', 'admin']);
      return store.unusualAccess(db, new Date(clock.now().getTime() - 86_400_000), 20);
    },

    /** Clearances given when a place is set up (the demo), recorded in the ledger like any other. */
    async grantClearances(trx: Db, grants: { accountId: string; level: 1 | 2 }[]): Promise<void> {
      for (const g of grants) await setClearance(trx, g.accountId, g.level);
      await theLedger.append(
        trx,
        grants.map((g) => ({ action: 'clearance.set', detail: { account: g.accountId, level: g.level } })),
      );
    },

    async setClearance(actor: Actor | null, accountId: string, level: 1 | 2): Promise<void> {
      const who = requireActor(actor);
      if (!who.roles.some((r) => r.role === 'admin' || r.role === 'ig_officer')) {
        throw new Forbidden('Only an administrator or information governance officer can set clearances');
      }
      await db.transaction().execute(async (trx) => {
        await setClearance(trx, accountId, level);
        await theLedger.append(trx, [
          {
            action: 'clearance.set',
            actor: { account: who.accountId, kind: who.kind },
            detail: { account: accountId, level },
          },
        ]);
      });
    },
  };
}

export type GovernanceService = ReturnType<typeof governanceService>;
