// How every part of the front door reads or changes a case: the case is loaded and governance's
// one guard is asked about it (the case's Ask, access.ts), through its referrals with the
// agreements in force read afresh for the request. The guard writes a refusal to the ledger and
// throws it; an allowed decision is the one the caller writes with its work
// (`governance.guard.write`) or once it has read (`governance.guard.record`).
import type { Db } from '../db/index.ts';
import type { ActiveAgreement, Ask, Decision, GovernanceService, Principal } from '../governance/index.ts';
import { type Actor, NotFound } from '../platform/index.ts';
import { type CaseAction, caseAsk, noteAsk } from './access.ts';
import { facts } from './case.ts';
import { type CaseRow, findCase } from './store.ts';

const entryActions: Record<CaseAction, string> = {
  readCase: 'case.read',
  updateCase: 'case.update',
  referCase: 'case.refer',
  changeCaseStatus: 'case.status',
  readReferral: 'referral.read',
  decideReferral: 'referral.decide',
};

export interface CaseCheck {
  /** The ledger entry's action, when not the action's usual one. */
  as?: string;
  /** Asked through this referral only. */
  only?: string;
  requestId?: string | undefined;
}

type Row = Pick<CaseRow, 'id' | 'organisation' | 'citizen_account_id'>;

/** The ledger entry of an action on a case, by this person (none for the system), without its decision. */
function caseEntry(
  governance: GovernanceService,
  p: Principal | null,
  action: string,
  row: Row,
  extra: Partial<Ask['entry']> = {},
): Ask['entry'] {
  return {
    action,
    actor: p ? governance.actorOf(p, row.organisation) : null,
    resource: { type: 'case', id: row.id, organisation: row.organisation },
    subject: row.citizen_account_id,
    ...extra,
  };
}

/** Decides, writing nothing, with the agreements in force given. */
function decideOn(
  governance: GovernanceService,
  p: Principal,
  action: CaseAction,
  row: CaseRow,
  inForce: ActiveAgreement[],
  check: CaseCheck = {},
): Decision {
  const e = caseEntry(governance, p, check.as ?? entryActions[action], row, {
    requestId: check.requestId ?? null,
  });
  return governance.guard.decide(p, caseAsk(action, facts(row), e, { inForce, only: check.only }));
}

/**
 * The agreements in force today for the person's organisations, read only when the case has a
 * referral to one of them: so that an agreement revoked or expired ends access at once.
 */
async function inForceFor(governance: GovernanceService, p: Principal, rows: CaseRow[]) {
  if (p.kind !== 'staff') return [];
  const referred = rows.some((row) => row.referrals.some((r) => p.organisations.includes(r.to)));
  return referred ? governance.agreementsInForce(p.organisations, null) : [];
}

export function caseGuard(db: Db, governance: GovernanceService) {
  const entry = (p: Principal | null, action: string, row: Row, extra: Partial<Ask['entry']> = {}) =>
    caseEntry(governance, p, action, row, extra);
  const inForce = (p: Principal, rows: CaseRow[]) => inForceFor(governance, p, rows);
  const decide = (
    p: Principal,
    action: CaseAction,
    row: CaseRow,
    agreements: ActiveAgreement[],
    check?: CaseCheck,
  ) => decideOn(governance, p, action, row, agreements, check);

  return {
    principal: (actor: Actor | null) => governance.guard.principal(actor),

    entry,
    inForce,
    decideOn: decide,

    async load(by: { id?: string; reference?: string }): Promise<CaseRow> {
      const row = await findCase(db, by);
      if (!row) throw new NotFound('There is no request with that reference');
      return row;
    },

    /** Decides an action on a case; a refusal is written to the ledger and thrown. */
    async check(
      p: Principal,
      action: CaseAction,
      row: CaseRow,
      requestIdOrCheck?: string | CaseCheck,
    ): Promise<Decision> {
      const check = typeof requestIdOrCheck === 'object' ? requestIdOrCheck : { requestId: requestIdOrCheck };
      const decision = decide(p, action, row, await inForce(p, [row]), check);
      if (!decision.allowed)
        return governance.guard.refuse([decision], 'You may not see or work on this case');
      return decision;
    },

    /**
     * Whether the person sees the internal notes this organisation wrote, within a read of the
     * case already decided and written (policies/referrals.cedar says who sees which notes).
     */
    seesNotesOf(p: Principal, row: CaseRow, writerId: string): boolean {
      return governance.guard.decide(p, noteAsk(facts(row), writerId, entry(p, 'case.note-read', row)))
        .allowed;
    },

    /**
     * A case as one of an inbox: read as a whole, or else as a referral waiting for the person's
     * organisation to decide on it; otherwise the refusal, left out of the list.
     */
    listed(p: Principal, row: CaseRow, inForce: ActiveAgreement[], requestId?: string): Decision {
      const read = decide(p, 'readCase', row, inForce, { as: 'case.list', requestId });
      if (read.allowed) return read;
      for (const r of row.referrals.filter((r) => r.status === 'pending')) {
        const waiting = decide(p, 'decideReferral', row, inForce, {
          as: 'case.list',
          only: r.id,
          requestId,
        });
        if (waiting.allowed) return waiting;
      }
      return read;
    },

    /**
     * Decides a read of a case as one of a list, writing nothing: a list leaves out what the
     * person may not see, and writes the reads it shows together.
     */
    readOf(
      p: Principal,
      row: CaseRow,
      action: string,
      requestId?: string,
      agreements: ActiveAgreement[] = [],
    ): Decision {
      return decide(p, 'readCase', row, agreements, { as: action, requestId });
    },
  };
}

export type CaseGuard = ReturnType<typeof caseGuard>;
