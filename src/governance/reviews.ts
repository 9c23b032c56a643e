// Reviews of access for information governance officers and auditors: break-glass reads,
// each reviewed once (the review in the ledger), and staff whose reads look unusual.
import type { Db } from '../db/index.ts';
import { type Actor, type Clock, Conflict, Invalid } from '../platform/index.ts';
import type { Ledger, StoredEntry } from './ledger/index.ts';
import { requireGovernanceRole } from './roles.ts';
import * as store from './store.ts';

export function accessReviews(db: Db, clock: Clock, ledger: Ledger) {
  return {
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
        await ledger.append(trx, [
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
  };
}
