// How every part of the front door reads or changes a case: the case is loaded and governance's
// one guard is asked about it (the case's Ask, access.ts). The guard writes a refusal to the
// ledger and throws it; an allowed decision is the one the caller writes with its work
// (`governance.guard.write`) or once it has read (`governance.guard.record`).
import type { Db } from '../db/index.ts';
import type { Ask, Decision, GovernanceService, Principal } from '../governance/index.ts';
import { type Actor, NotFound } from '../platform/index.ts';
import { type CaseAction, caseAsk } from './access.ts';
import { facts } from './case.ts';
import { type CaseRow, findCase } from './store.ts';

export function caseGuard(db: Db, governance: GovernanceService) {
  /** The ledger entry of an action on a case, by this person (none for the system), without its decision. */
  function entry(
    p: Principal | null,
    action: string,
    row: Pick<CaseRow, 'id' | 'organisation' | 'citizen_account_id'>,
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

  return {
    principal: (actor: Actor | null) => governance.guard.principal(actor),

    entry,

    async load(by: { id?: string; reference?: string }): Promise<CaseRow> {
      const row = await findCase(db, by);
      if (!row) throw new NotFound('There is no request with that reference');
      return row;
    },

    /** Decides an action on a case; a refusal is written to the ledger and thrown. */
    check(p: Principal, action: CaseAction, row: CaseRow, requestId?: string): Promise<Decision> {
      const e = entry(p, `case.${action === 'readCase' ? 'read' : 'update'}`, row, {
        requestId: requestId ?? null,
      });
      return governance.guard.permit(p, caseAsk(action, facts(row), e));
    },

    /**
     * Decides a read of a case as one of a list, writing nothing: a list leaves out what the
     * person may not see, and writes the reads it shows together.
     */
    readOf(p: Principal, row: CaseRow, action: string, requestId?: string): Decision {
      return governance.guard.decide(
        p,
        caseAsk('readCase', facts(row), entry(p, action, row, { requestId: requestId ?? null })),
      );
    },
  };
}

export type CaseGuard = ReturnType<typeof caseGuard>;
