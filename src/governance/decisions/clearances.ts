// Clearances: the highest marking a member of staff may see (OFFICIAL unless raised by an
// administrator or information governance officer), each change in the ledger.
import type { Db } from '../../db/index.ts';
import { type Actor, Forbidden, requireActor } from '../../platform/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { setClearance } from './store.ts';

export function clearances(db: Db, ledger: Ledger) {
  return {
    /** Clearances given when a place is set up (the demo), recorded in the ledger like any other. */
    async grantClearances(trx: Db, grants: { accountId: string; level: 1 | 2 }[]): Promise<void> {
      for (const g of grants) await setClearance(trx, g.accountId, g.level);
      await ledger.append(
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
        await ledger.append(trx, [
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
