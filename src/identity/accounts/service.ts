// Accounts' use-cases, put together once into the one object the rest of identity uses: who has
// an account (directory.ts), server-side sessions (session-records.ts), signing in with a
// password (passwords.ts), the second factor from an authenticator app (authenticator-app.ts)
// or a passkey (passkeys.ts), and the secrets the app signs its cookies with.
import type { Db } from '../../db/index.ts';
import { type Clock, newToken } from '../../platform/index.ts';
import type { Ledger } from '../audit.ts';
import { accountChanges } from './account-changes.ts';
import { authenticatorApp } from './authenticator-app.ts';
import { accountDirectory, type Organisations } from './directory.ts';
import { passkeys } from './passkeys.ts';
import { passwordSignIn } from './passwords.ts';
import { type Outbox, registration } from './registration.ts';
import { sessionRecords } from './session-records.ts';
import * as store from './store.ts';

/** The use-cases of accounts and sessions, writing to the one audit ledger of the app. */
export function accountsService(
  db: Db,
  clock: Clock,
  ledger: Ledger,
  places: Organisations,
  outbox: Outbox | null = null,
) {
  const { openSession, ...sessions } = sessionRecords(db, clock, ledger, places);
  const { acceptCode, hasAuthenticatorApp, ...secondFactor } = authenticatorApp(db, clock, ledger);
  return {
    ...accountDirectory(db, places),
    openSession,
    ...sessions,
    ...passwordSignIn({ db, clock, ledger, openSession, acceptCode }),
    ...secondFactor,

    /** Passkeys: added from the account page, signed in with at the second-factor level. */
    passkeys: passkeys({ db, clock, ledger, openSession, hasAuthenticatorApp }),

    /** Registering by email and password, and resetting a forgotten password, by emailed links. */
    registration: {
      ...registration({ db, clock, ledger, outbox, openSession }),
      ...accountChanges({ db, clock, ledger, outbox, openSession }),
    },

    sharedSecret: (name: string) => store.sharedSecret(db, name, newToken()),
  };
}

export type Accounts = ReturnType<typeof accountsService>;
