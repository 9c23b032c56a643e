// How every part of the front door reads or changes a case: the case is loaded, the policies
// decide (access.ts), a refusal is written to the ledger and thrown, and an allowed decision
// gives the ledger entry the caller writes with its work.
import type { Db } from '../db/index.ts';
import type { GovernanceService, LedgerEntry, Principal } from '../governance/index.ts';
import { type Actor, Forbidden, NotFound } from '../platform/index.ts';
import { type CaseAction, decideOnCase } from './access.ts';
import { facts } from './case.ts';
import { type CaseRow, findCase } from './store.ts';

export function caseGuard(db: Db, governance: GovernanceService) {
  /** The ledger entry of an action on a case, by this person (none for the system). */
  function entry(
    p: Principal | null,
    action: string,
    row: Pick<CaseRow, 'id' | 'organisation' | 'citizen_account_id'>,
    extra: Partial<LedgerEntry> = {},
  ): LedgerEntry {
    return {
      action,
      actor: p ? governance.actorOf(p, row.organisation) : null,
      resource: { type: 'case', id: row.id, organisation: row.organisation },
      subject: row.citizen_account_id,
      ...extra,
    };
  }

  return {
    principal: (actor: Actor | null) => governance.principal(actor),

    entry,

    async load(by: { id?: string; reference?: string }): Promise<CaseRow> {
      const row = await findCase(db, by);
      if (!row) throw new NotFound('There is no request with that reference');
      return row;
    },

    /** Decides an action on a case; a refusal is written to the ledger and thrown. */
    async check(p: Principal, action: CaseAction, row: CaseRow, requestId?: string) {
      const decision = decideOnCase(governance.pdp, p, action, facts(row));
      const e = entry(p, `case.${action === 'readCase' ? 'read' : 'update'}`, row, {
        decision: decision.allowed ? 'allow' : 'deny',
        policies: decision.policies,
        requestId: requestId ?? null,
      });
      if (!decision.allowed)
        await governance.refuse(e, new Forbidden('You may not see or work on this case'));
      return e;
    },

    /**
     * The ledger entry of a read the policies allow, or null: a list leaves out what the person
     * may not see, and writes the reads it shows.
     */
    allowedRead(p: Principal, action: string, row: CaseRow, requestId?: string): LedgerEntry | null {
      const d = decideOnCase(governance.pdp, p, 'readCase', facts(row));
      if (!d.allowed) return null;
      return entry(p, action, row, { decision: 'allow', policies: d.policies, requestId: requestId ?? null });
    },
  };
}

export type CaseGuard = ReturnType<typeof caseGuard>;
