// The one guard for personal data. One call decides by the policies, writes the decision to
// the audit ledger (inside the caller's transaction for a change) and refuses with the
// ledger's denial, so no read or change can forget its entry. Modules describe their own
// resources in Cedar's terms (an Ask); nothing but the guard asks the policy decision point,
// and only the guard writes a decision entry.
import type { Db } from '../../db/index.ts';
import { Forbidden } from '../../platform/index.ts';
import type { AuditLedger, DecisionEntry } from '../ledger/index.ts';
import { type ActiveAgreement, principalEntity } from './entities.ts';
import type { Entity, PolicyDecisionPoint } from './pdp.ts';
import type { Principal } from './principal.ts';
import { type AccessScope, listScope } from './scope.ts';

/** A Cedar context or attributes: values, records, sets and entity references (`{ __entity }`). */
export type Context = Record<string, unknown>;

/** One ground a request may be allowed on: an agreement in force, an emergency. */
export interface Ground {
  /** Added to the request's context. */
  context?: Context;
  /** What the ledger entry says when the policies allow the request on this ground. */
  entry?: Pick<DecisionEntry, 'agreement' | 'breakGlass' | 'reason'>;
}

/** What the policies are asked: an action on a resource, in Cedar's terms. */
export interface Question {
  /** The Cedar action, as the policies name it. */
  action: string;
  resource: { uid: { type: string; id: string }; attrs: Context };
  /** Attributes of the person asking that this action's policies need besides the usual ones. */
  principalAttrs?: Context;
  context?: Context;
  /**
   * Grounds tried in turn, the first the policies allow deciding. When not given, the request
   * is asked once as it stands; an empty list refuses without asking.
   */
  grounds?: Ground[];
}

/** A question, the ledger entry of its decision and what a refused person is told. */
export interface Ask extends Question {
  /** The entry written with the decision; the guard adds the decision and the policies that made it. */
  entry: Omit<DecisionEntry, 'decision' | 'policies'>;
  /** A Forbidden with these words, or this error (made only when refused). */
  refusal: string | Error | (() => Error);
}

/** What may change in an entry once decided: what was done, never the decision. */
export type Change = Partial<Pick<DecisionEntry, 'action' | 'resource' | 'subject' | 'reason' | 'detail'>>;

/** A decision by the policies with its ledger entry. Only the guard makes one, and writes it. */
export class Decision {
  readonly #entry: Readonly<DecisionEntry>;

  constructor(entry: DecisionEntry) {
    this.#entry = Object.freeze(entry);
  }

  get allowed(): boolean {
    return this.#entry.decision === 'allow';
  }

  /** The entry as it is written (the agreement a referral was allowed under, say). */
  get entry(): Readonly<DecisionEntry> {
    return this.#entry;
  }

  /** The same decision, its entry saying what was done: another action, the new record's id, a detail. */
  as(change: Change): Decision {
    return new Decision({ ...this.#entry, ...change });
  }

  /**
   * The decision refused for a reason of the asking module's own besides the policies (only the
   * holder separates a case; only a record one may see is split). The entry names no policy,
   * unless it is to keep those that would have allowed it.
   */
  refused(options: { keepPolicies?: boolean } = {}): Decision {
    return new Decision({
      ...this.#entry,
      decision: 'deny',
      policies: options.keepPolicies ? this.#entry.policies : [],
    });
  }
}

const refusalError = (refusal: Ask['refusal']) =>
  typeof refusal === 'string' ? new Forbidden(refusal) : typeof refusal === 'function' ? refusal() : refusal;

/** Decides, writing nothing: the first ground the policies allow; a refusal names no policy (none allowed it). */
function decideBy(pdp: PolicyDecisionPoint, p: Principal, ask: Ask): Decision {
  const base = principalEntity(p);
  const principal = ask.principalAttrs ? { ...base, attrs: { ...base.attrs, ...ask.principalAttrs } } : base;
  for (const ground of ask.grounds ?? [{}]) {
    const answer = pdp.authorize({
      principal: principal as Entity,
      action: ask.action,
      resource: ask.resource as Entity,
      context: { ...ask.context, ...ground.context } as Entity['attrs'],
    });
    if (answer.allowed) {
      return new Decision({ ...ask.entry, ...ground.entry, decision: 'allow', policies: answer.policies });
    }
  }
  return new Decision({ ...ask.entry, decision: 'deny', policies: [] });
}

export interface GuardOptions {
  principal: (actor: Principal['actor'] | null) => Promise<Principal>;
  agreementsInForce: (organisations: string[], other: string | null) => Promise<ActiveAgreement[]>;
}

export function guard(
  pdp: PolicyDecisionPoint,
  ledger: Pick<AuditLedger, 'record' | 'append'>,
  options: GuardOptions,
) {
  /** Decides, writing nothing: for lists, which write the reads they show (and leave the rest out). */
  const decide = (p: Principal, ask: Ask) => decideBy(pdp, p, ask);

  /** Writes these decisions now, outside any transaction (reads): committed when this resolves. */
  const record = (decisions: Decision[]) => ledger.record(decisions.map((d) => d.entry));

  /** Writes the decisions, then throws what the person is told. */
  async function refuse(decisions: Decision[], refusal: Ask['refusal']): Promise<never> {
    await record(decisions);
    throw refusalError(refusal);
  }

  /**
   * Decides; a refusal is written to the ledger (after `before`, the refused reads that led to
   * it) and thrown. An allowed decision is returned unwritten, for the caller to write with the
   * change it allows (`write`) or once it has read (`record`).
   */
  async function permit(p: Principal, ask: Ask, before: Decision[] = []): Promise<Decision> {
    const decision = decide(p, ask);
    if (!decision.allowed) return refuse([...before, decision], ask.refusal);
    return decision;
  }

  return {
    /** The person asking, resolved once per actor (so once per request). */
    principal: options.principal,
    decide,
    permit,
    record,
    refuse,

    /** Writes decisions in the caller's transaction, so they commit (or not) with its change. */
    async write(trx: Db, decisions: Decision[]): Promise<void> {
      await ledger.append(
        trx,
        decisions.map((d) => d.entry),
      );
    },

    /**
     * One read in one call: decides (a refusal is written and thrown), loads what was asked for
     * and writes the read, its entry changed by `change` given what was loaded.
     */
    async read<T = undefined>(
      p: Principal,
      ask: Ask,
      load?: () => T | Promise<T>,
      change?: (loaded: T) => Change,
    ): Promise<T> {
      const decision = await permit(p, ask);
      const loaded = load ? await load() : (undefined as T);
      await record([change ? decision.as(change(loaded)) : decision]);
      return loaded;
    },

    /** Whether the policies would allow it, written nowhere: to offer a form, never to show personal data. */
    allows(p: Principal, question: Question): boolean {
      return decide(p, { ...question, entry: { action: question.action }, refusal: '' }).allowed;
    },

    /**
     * Which person records a list may return, for its SQL filter: the same meaning as deciding
     * each read (search-equals-authorize.int.test.ts holds them to it).
     */
    list: (p: Principal, purpose: string | null): Promise<AccessScope> =>
      listScope(p, purpose, options.agreementsInForce),
  };
}

export type Guard = ReturnType<typeof guard>;
