// Use-cases of governance: who a principal is, one decision (with its ledger entry) for
// every read and write of personal data, search scopes, clearances.
import type { Db } from '../db/index.ts';
import type { PlacesService } from '../places/index.ts';
import { type Actor, type Clock, Conflict, Forbidden, Invalid, requireActor } from '../platform/index.ts';
import {
  type AccessContext,
  type AccessDecision,
  type AccessScope,
  type Action,
  decide,
  type Principal,
  principalEntity,
  type RecordFacts,
  searchScope,
} from './access.ts';
import { type Ledger, type LedgerEntry, ledger } from './ledger.ts';
import type { Entity, PolicyDecisionPoint } from './pdp.ts';
import * as store from './store.ts';
import { isPurpose, purposes } from './vocabulary.ts';

export interface Checked {
  decision: AccessDecision;
  entry: LedgerEntry;
}

/** One decision by the policies on something other than a person record (those are `check`ed). */
export interface Authorization {
  /** The Cedar action, as the policies name it. */
  action: string;
  resource: Entity;
  /** Attributes of the person that this action's policies need besides the usual ones. */
  attrs?: Entity['attrs'];
  /** The ledger entry of the decision; the decision and the policies that made it are added. */
  entry: Omit<LedgerEntry, 'decision' | 'policies'>;
  /** What a refused person is told. */
  refusal: string;
  /** Refused reads the decision was asked after, written to the ledger before a refusal. */
  refused?: LedgerEntry[];
}

/** Information governance officers, auditors (read-only) and administrators. */
export function requireGovernanceRole(actor: Actor | null, roles: string[]): Actor {
  const who = requireActor(actor);
  if (!who.roles.some((r) => roles.includes(r.role))) {
    throw new Forbidden('This is for information governance officers and auditors');
  }
  return who;
}

export function governanceService(
  db: Db,
  clock: Clock,
  pdp: PolicyDecisionPoint,
  places: PlacesService,
  connectionString?: string,
) {
  const theLedger: Ledger = ledger(db, clock, { connectionString });
  const today = () => clock.now().toISOString().slice(0, 10);

  async function principal(actor: Actor | null): Promise<Principal> {
    const who = requireActor(actor);
    // Someone acting for a citizen under a delegation (identity's actFor) is decided as that citizen.
    if (who.kind === 'citizen' || who.actingFor) {
      return {
        actor: who,
        kind: 'citizen',
        accountId: who.actingFor?.accountId ?? who.accountId,
        organisations: [],
        manages: [],
        clearance: 0,
      };
    }
    const ids = await places.organisationIds([...new Set(who.roles.map((r) => r.organisation))]);
    const idsOf = (roles: string[]) => [
      ...new Set(
        who.roles.filter((r) => roles.includes(r.role)).map((r) => ids.get(r.organisation) as string),
      ),
    ];
    return {
      actor: who,
      kind: 'staff',
      accountId: who.accountId,
      organisations: idsOf(['staff', 'manager', 'ig_officer', 'admin']),
      manages: idsOf(['manager', 'ig_officer']),
      clearance: await store.clearanceOf(db, who.accountId),
    };
  }

  function actorOf(p: Principal, organisationRef?: string): NonNullable<LedgerEntry['actor']> {
    const role = p.actor.roles.find((r) => r.organisation === organisationRef) ?? p.actor.roles[0];
    // A machine client acting for its organisation is decided as its staff, but it is no person.
    if (p.actor.machine)
      return {
        account: p.actor.accountId,
        kind: 'client',
        ...(role ? { organisation: role.organisation } : {}),
      };
    // The person asking, even when acting for someone (then `actingFor` names the citizen).
    return {
      account: p.actor.accountId,
      kind: p.actor.kind,
      ...(role ? { organisation: role.organisation, role: role.role } : {}),
    };
  }

  return {
    pdp,
    ledger: theLedger,
    principal,
    actorOf,

    /**
     * Decides an action on a record and builds its ledger entry. Staff reading another
     * organisation's record must give a purpose (or, in an emergency, a reason).
     */
    async check(
      p: Principal,
      action: Action,
      record: RecordFacts & { organisationRef: string },
      context: AccessContext,
      requestId?: string,
    ): Promise<Checked> {
      const purpose = context.purpose?.trim() || null;
      const reason = context.breakGlassReason?.trim() || null;
      const foreign = p.kind === 'staff' && !p.organisations.includes(record.organisationId);
      const agreements =
        action === 'read' && p.kind === 'staff' && purpose && isPurpose(purpose)
          ? await store.agreementsInForce(db, p.organisations, record.organisationId, today())
          : [];
      const decision =
        purpose && !isPurpose(purpose)
          ? { allowed: false, policies: [], agreementId: null, breakGlass: false }
          : decide(pdp, p, action, record, { ...context, purpose, breakGlassReason: reason }, agreements);
      const entry: LedgerEntry = {
        action: `person-record.${action}`,
        actor: actorOf(p, foreign ? undefined : record.organisationRef),
        ...(p.actor.actingFor ? { actingFor: p.actor.actingFor.accountId } : {}),
        resource: { type: 'person-record', id: record.id, organisation: record.organisationRef },
        subject: record.subjectAccountId,
        purpose,
        agreement: decision.agreementId,
        decision: decision.allowed ? 'allow' : 'deny',
        policies: decision.policies,
        breakGlass: decision.breakGlass,
        reason: decision.breakGlass ? reason : null,
        requestId: requestId ?? null,
        ...(context.newMarking !== undefined ? { detail: { newMarking: context.newMarking } } : {}),
      };
      return { decision, entry };
    },

    /**
     * Decides an action by the policies. A refusal is written to the ledger at once and thrown
     * as Forbidden; an allowed decision gives its ledger entry, for the caller to write with the
     * change it allows, in the same transaction.
     */
    async authorize(p: Principal, ask: Authorization): Promise<LedgerEntry> {
      const base = principalEntity(p);
      const decision = pdp.authorize({
        principal: { ...base, attrs: { ...base.attrs, ...ask.attrs } },
        action: ask.action,
        resource: ask.resource,
        context: {},
      });
      const entry: LedgerEntry = {
        ...ask.entry,
        decision: decision.allowed ? 'allow' : 'deny',
        policies: decision.policies,
      };
      if (decision.allowed) return entry;
      await theLedger.record([...(ask.refused ?? []), entry]);
      throw new Forbidden(ask.refusal);
    },

    /** Records a refused decision, then throws the error the person should see. */
    async refuse(entry: LedgerEntry, error: Error): Promise<never> {
      await theLedger.record([entry]);
      throw error;
    },

    /** The error for a refused read, in words that say what to do next. */
    refusal(p: Principal, record: RecordFacts, context: AccessContext): Error {
      if (context.breakGlassReason?.trim() && p.actor.authLevel !== 'second_factor') {
        return new Forbidden('Emergency access needs a second factor: sign in with one, then try again');
      }
      if (p.kind === 'staff' && !p.organisations.includes(record.organisationId)) {
        const purpose = context.purpose?.trim();
        if (!purpose) {
          return new Invalid('Give the purpose of this read: the record is held by another organisation', [
            { field: 'purpose', message: `Choose a purpose: ${Object.keys(purposes).join(', ')}` },
          ]);
        }
        if (!isPurpose(purpose)) {
          return new Invalid('Unknown purpose', [
            { field: 'purpose', message: `The purpose must be one of ${Object.keys(purposes).join(', ')}` },
          ]);
        }
        return new Forbidden(
          'No data-sharing agreement in force lets your organisation see this record for that purpose',
        );
      }
      return new Forbidden('You may not see this record');
    },

    async scope(p: Principal, purpose: string | null): Promise<AccessScope> {
      if (purpose && !isPurpose(purpose)) {
        throw new Invalid('Unknown purpose', [
          { field: 'purpose', message: `The purpose must be one of ${Object.keys(purposes).join(', ')}` },
        ]);
      }
      const agreements =
        p.kind === 'staff' && purpose
          ? await store.agreementsInForce(db, p.organisations, null, today())
          : [];
      return searchScope(p, purpose, agreements);
    },

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

    agreementTitles: (ids: string[]) => store.agreementTitles(db, ids),

    /**
     * The agreements in force today with one of `organisations` as a party (and `other` too,
     * when given): what other modules (cases and referrals) pass to the policies as context.
     */
    agreementsInForce: (organisations: string[], other: string | null) =>
      store.agreementsInForce(db, organisations, other, today()),

    /** Break-glass reads and their reviews, for information governance officers and auditors. */
    async breakGlassQueue(actor: Actor | null) {
      requireGovernanceRole(actor, ['ig_officer', 'auditor', 'admin']);
      return (await store.breakGlassQueue(db)).map((row) => ({
        seq: Number(row.seq),
        entry: JSON.parse(row.body) as LedgerEntry & { at: string },
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
      for (const g of grants) await store.setClearance(trx, g.accountId, g.level);
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
        await store.setClearance(trx, accountId, level);
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
