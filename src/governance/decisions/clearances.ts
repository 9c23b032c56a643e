// Clearances: the highest marking a member of staff may see (OFFICIAL unless raised by an
// administrator or information governance officer), each change in the ledger. Each instance
// keeps a clearance it has read for a few seconds, as every governed read needs it: a change
// made through an instance applies there at once, and everywhere within those seconds.
import type { Db } from '../../db/index.ts';
import {
  type Actor,
  type Clock,
  Forbidden,
  type KeptRead,
  keptRead,
  requireActor,
} from '../../platform/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { clearanceOf, setClearance } from './store.ts';

/** How long an instance keeps a clearance it has read. */
export const CLEARANCE_KEPT_MS = 5_000;

/** Clearances as read, kept `CLEARANCE_KEPT_MS` per account. */
export function keptClearances(db: Db, clock: Clock) {
  let kept = new Map<string, KeptRead<number>>();
  return {
    of(accountId: string): Promise<number> {
      let read = kept.get(accountId);
      if (!read) {
        // Staff accounts are few, but an instance runs for months: start again now and then.
        if (kept.size >= 10_000) kept = new Map();
        read = keptRead(clock, CLEARANCE_KEPT_MS, () => clearanceOf(db, accountId));
        kept.set(accountId, read);
      }
      return read.get();
    },
    /** Reads the account's clearance afresh next time (after a change has committed). */
    forget(accountId: string): void {
      kept.get(accountId)?.forget();
    },
  };
}

export type KeptClearances = ReturnType<typeof keptClearances>;

export function clearances(db: Db, ledger: Ledger, kept: KeptClearances) {
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
      kept.forget(accountId);
    },
  };
}
