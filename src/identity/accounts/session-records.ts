// Server-side sessions: one is opened when someone signs in (in one transaction with its entry
// in the audit ledger), kept alive by each request until it has been idle too long, and ended
// when the person signs out. The cookie holds only the session's id; its hash is stored.
import type { Db } from '../../db/index.ts';
import { type Actor, type Clock, newToken, sha256 } from '../../platform/index.ts';
import type { Ledger } from '../audit.ts';
import * as audit from './audit.ts';
import { actorOf, type IdentityConfidence, type Organisations } from './directory.ts';
import * as store from './store.ts';

export const SESSION_IDLE_MINUTES = 120;

export function sessionRecords(db: Db, clock: Clock, ledger: Ledger, places: Organisations) {
  const idleUntil = () => new Date(clock.now().getTime() + SESSION_IDLE_MINUTES * 60_000);

  return {
    /** Opens a session for an account signed in some way (a passkey, an upstream provider): its id. */
    async openSession(
      account: { id: string; kind: 'citizen' | 'staff' },
      method: string,
      upstream?: { slug: string; confidence: IdentityConfidence },
    ) {
      const sessionId = newToken();
      await db.transaction().execute(async (trx) => {
        await store.insertSession(trx, {
          id_hash: sha256(sessionId),
          account_id: account.id,
          auth_method: method,
          expires_at: idleUntil(),
          identity_confidence: upstream?.confidence ?? null,
          upstream: upstream?.slug ?? null,
        });
        await ledger.append(trx, [audit.signedIn(account, method, upstream?.confidence)]);
      });
      return sessionId;
    },

    /** The account behind a session cookie, or null when it is unknown, expired or disabled. */
    async actorFor(sessionId: string | undefined): Promise<Actor | null> {
      if (!sessionId) return null;
      const account = await store.touchSession(db, sha256(sessionId), clock.now(), idleUntil());
      return account ? actorOf(db, places, account) : null;
    },

    async signOut(sessionId: string | undefined): Promise<void> {
      if (sessionId) await store.deleteSession(db, sha256(sessionId));
    },

    async removeExpiredSessions(): Promise<void> {
      await store.deleteExpiredSessions(db, clock.now());
    },
  };
}
