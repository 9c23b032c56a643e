// The OpenID Connect provider's use-cases: the relying parties, the keys that sign tokens,
// where the provider keeps its records, and what happens there, written to the audit ledger.
import type { Db } from '../../db/index.ts';
import type { PlacesService } from '../../places/index.ts';
import type { Actor, Clock } from '../../platform/index.ts';
import type { Accounts, IdentityConfidence, OtherWaysToSignIn } from '../accounts/index.ts';
import type { Ledger } from '../audit.ts';
import { postgresAdapter } from './adapter.ts';
import * as audit from './audit.ts';
import { relyingParties } from './clients.ts';
import { signingKeys } from './signing-keys.ts';
import * as store from './store.ts';

export function openIdProviderService(db: Db, clock: Clock, ledger: Ledger, places: PlacesService) {
  const clients = relyingParties(db, places, ledger);
  return {
    /** The relying parties registered with Flagstone's OpenID Connect provider. */
    clients,

    /** Where the OpenID Connect provider keeps its records. */
    providerAdapter: () => postgresAdapter(db, clients, clock),

    /** The keys that sign ID tokens and access tokens. */
    keys: signingKeys(db, clock, ledger),

    /** Writes what happened at the OpenID Connect provider to the audit ledger. */
    recordSignInToService: (actor: Actor, clientId: string, method: string) =>
      ledger.record([audit.signedInToService(actor, clientId, method)]),
    recordConsent: (actor: Actor, clientId: string, allowed: boolean, scopes: string[]) =>
      ledger.record([audit.consented(actor, clientId, allowed, scopes)]),

    /** Remembers the identity confidence of the sign-in behind a provider session, for its ID tokens. */
    rememberSessionConfidence: (
      sessionUid: string,
      confidence: IdentityConfidence | null,
      ttlSeconds: number,
    ) =>
      store.setSessionConfidence(
        db,
        sessionUid,
        confidence,
        new Date(clock.now().getTime() + ttlSeconds * 1000),
      ),

    /** The identity confidence behind a provider session, if an upstream asserted one. */
    sessionConfidence: (sessionUid: string) => store.sessionConfidence(db, sessionUid, clock.now()),

    /** Forgets the provider's expired records, with the expired sessions. */
    removeExpiredRecords: () => store.deleteExpiredPayloads(db, clock.now()),
  };
}

export type OpenIdProviderService = ReturnType<typeof openIdProviderService>;

/** What the provider's pages use of identity: its own use-cases, and those of accounts that sign people in. */
export type ProviderIdentity = Omit<OpenIdProviderService, 'removeExpiredRecords'> &
  Pick<Accounts, 'actorFor' | 'actorById' | 'signIn' | 'completeSignIn' | 'signOut' | 'sharedSecret'> & {
    upstreams: OtherWaysToSignIn;
  };
