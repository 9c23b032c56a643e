// Clearances: the highest marking a member of staff may see (OFFICIAL unless raised by an
// administrator or information governance officer), each change in the ledger. Each instance
// keeps a clearance it has read for a few seconds, as every governed read needs it: a change
// made through an instance applies there at once, and everywhere within those seconds.
import { performance } from 'node:perf_hooks';
import type { Db } from '../../db/index.ts';
import { type Actor, Forbidden, requireActor } from '../../platform/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { clearanceOf, setClearance } from './store.ts';

/** How long an instance keeps a clearance it has read. */
export const CLEARANCE_KEPT_MS = 5_000;

/** Clearances as read, kept `CLEARANCE_KEPT_MS` per account (a failed read is tried again). */
export function keptClearances(db: Db) {
  let kept = new Map<string, { level: Promise<number>; until: number }>();
  return {
    of(accountId: string): Promise<number> {
      const now = performance.now();
      const found = kept.get(accountId);
      if (found && found.until > now) return found.level;
      // Staff accounts are few, but an instance runs for months: start again now and then.
      if (kept.size >= 10_000) kept = new Map();
      const level = clearanceOf(db, accountId);
      kept.set(accountId, { level, until: now + CLEARANCE_KEPT_MS });
      level.catch(() => kept.delete(accountId));
      return level;
    },
    /** Reads the account's clearance afresh next time (after a change has committed). */
    forget(accountId: string): void {
      kept.delete(accountId);
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
      for (const g of grants) kept.forget(g.accountId);
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
