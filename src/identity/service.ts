// Identity's use-cases, put together once: accounts and sessions (with passkeys), the OpenID
// Connect provider's relying parties, keys and records, signing in through upstream providers,
// and acting on someone's behalf. Each writes to the one audit ledger it is given, and reads the
// place's organisations through the places service.
import type { Db } from '../db/index.ts';
import type { PlacesService } from '../places/index.ts';
import type { Clock } from '../platform/index.ts';
import { accountsService, type Outbox } from './accounts/index.ts';
import type { Ledger } from './audit.ts';
import { delegations } from './delegation/index.ts';
import { federation } from './federation/index.ts';
import { openIdProviderService } from './provider/index.ts';

export function identityService(
  db: Db,
  clock: Clock,
  ledger: Ledger,
  places: PlacesService,
  outbox: Outbox | null = null,
) {
  const { openSession, removeExpiredSessions, ...accounts } = accountsService(
    db,
    clock,
    ledger,
    places,
    outbox,
  );
  const { removeExpiredRecords, ...provider } = openIdProviderService(db, clock, ledger, places);
  return {
    ...accounts,
    ...provider,

    /** Signing in through upstream OpenID Connect providers (a national identity service, an organisation's own). */
    upstreams: federation({ db, ledger, places, openSession, createAccount: accounts.createAccount }),

    /** Acting on someone's behalf: delegations given by citizens to a person or an organisation. */
    delegations: delegations(db, clock, ledger, places),

    /** Forgets expired sessions, and the provider's expired records with them. */
    async removeExpiredSessions(): Promise<void> {
      await removeExpiredSessions();
      await removeExpiredRecords();
    },
  };
}

export type IdentityService = ReturnType<typeof identityService>;
