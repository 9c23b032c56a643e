// Use-cases of governance: the one guard every module decides personal data through, the
// audit ledger, the agreements in force, clearances, and the reviews of access (break-glass
// reads, unusual access).
import type { Db } from '../db/index.ts';
import type { PlacesService } from '../places/index.ts';
import { type Actor, type Clock, Conflict, Forbidden, Invalid, requireActor } from '../platform/index.ts';
import { agreementsInForce, agreementTitles } from './agreements/index.ts';
import {
  type AccessContext,
  type AccessScope,
  actorOf,
  guard,
  type PolicyDecisionPoint,
  type Principal,
  principals,
  type RecordAction,
  type RecordFacts,
  readRefusal,
  recordAsk,
  setClearance,
} from './decisions/index.ts';
import { type Ledger, type LedgerEntry, ledger, type StoredEntry } from './ledger/index.ts';
import { requireGovernanceRole } from './roles.ts';
import * as store from './store.ts';

export interface Checked {
  decision: { allowed: boolean };
  entry: LedgerEntry;
}

/** One decision by the policies on something other than a person record (those are `check`ed). */
export interface Authorization {
  /** The Cedar action, as the policies name it. */
  action: string;
  resource: { uid: { type: string; id: string }; attrs: Record<string, unknown> };
  /** Attributes of the person that this action's policies need besides the usual ones. */
  attrs?: Record<string, unknown>;
  /** The ledger entry of the decision; the decision and the policies that made it are added. */
  entry: Omit<LedgerEntry, 'decision' | 'policies'>;
  /** What a refused person is told. */
  refusal: string;
  /** Refused reads the decision was asked after, written to the ledger before a refusal. */
  refused?: LedgerEntry[];
}

export { requireGovernanceRole };

export function governanceService(
  db: Db,
  clock: Clock,
  pdp: PolicyDecisionPoint,
  places: PlacesService,
  connectionString?: string,
) {
  const theLedger: Ledger = ledger(db, clock, { connectionString });
  const today = () => clock.now().toISOString().slice(0, 10);
  /**
   * The agreements in force today with one of `organisations` as a party (and `other` too,
   * when given): read afresh for every decision, so a revocation applies to the next request.
   */
  const inForce = (organisations: string[], other: string | null) =>
    agreementsInForce(db, organisations, other, today());
  const principal = principals(db, places);
  const theGuard = guard(pdp, theLedger, { principal, agreementsInForce: inForce });

  return {
    pdp,
    ledger: theLedger,
    /** The one guard for personal data: decides, writes the ledger entry and refuses, in one call. */
    guard: theGuard,
    principal,
    actorOf,

    /** Decides an action on a record and builds its ledger entry (to be replaced by the guard). */
    async check(
      p: Principal,
      action: RecordAction,
      record: RecordFacts,
      context: AccessContext,
      requestId?: string,
    ): Promise<Checked> {
      const decision = theGuard.decide(p, await recordAsk(inForce, p, action, record, context, requestId));
      return { decision: { allowed: decision.allowed }, entry: decision.entry };
    },

    /**
     * Decides an action by the policies. A refusal is written to the ledger at once and thrown
     * as Forbidden; an allowed decision gives its ledger entry (to be replaced by the guard).
     */
    async authorize(p: Principal, ask: Authorization): Promise<LedgerEntry> {
      const decision = theGuard.decide(p, {
        action: ask.action,
        resource: ask.resource,
        principalAttrs: ask.attrs,
        entry: ask.entry,
        refusal: ask.refusal,
      });
      if (decision.allowed) return decision.entry;
      await theLedger.record([...(ask.refused ?? []), decision.entry]);
      throw new Forbidden(ask.refusal);
    },

    /** Records a refused decision, then throws the error the person should see. */
    async refuse(entry: LedgerEntry, error: Error): Promise<never> {
      await theLedger.record([entry]);
      throw error;
    },

    /** The error for a refused read, in words that say what to do next. */
    refusal: readRefusal,

    scope: (p: Principal, purpose: string | null): Promise<AccessScope> => theGuard.list(p, purpose),

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
