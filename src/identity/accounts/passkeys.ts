// Passkeys (WebAuthn, with SimpleWebAuthn): a person adds one from their account and then signs
// in with it, at the second-factor level (something they have, unlocked by something they are
// or know). Each challenge is handed out once and used once; the signature counter must not go
// back. Adding, removing and signing in go to the audit ledger.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Db } from '../../db/index.ts';
import { type Actor, type Clock, Forbidden, Invalid, NotFound, Unauthorized } from '../../platform/index.ts';
import type { Ledger } from '../audit.ts';
import * as audit from './audit.ts';
import * as store from './passkey-store.ts';
import { PASSKEY } from './sign-in-methods.ts';

const CHALLENGE_MINUTES = 5;

/** Where passkeys are used: the relying party of WebAuthn is Flagstone's own address. */
export interface PasskeySite {
  name: string;
  /** FLAGSTONE_URL's origin, which the browser reports the ceremony happened at. */
  origin: string;
}

const rpId = (site: PasskeySite) => new URL(site.origin).hostname;

export interface PasskeyDeps {
  db: Db;
  clock: Clock;
  ledger: Ledger;
  openSession(account: { id: string; kind: 'citizen' | 'staff' }, method: string): Promise<string>;
  /** Whether the account has an authenticator app set up. */
  hasAuthenticatorApp(accountId: string): Promise<boolean>;
}

// The browser's answers are checked by SimpleWebAuthn; here only their shape for it.
type RegistrationResponse = Parameters<typeof verifyRegistrationResponse>[0]['response'];
type AuthenticationResponse = Parameters<typeof verifyAuthenticationResponse>[0]['response'];

const isAnswer = (value: unknown): value is { id: string; response: object } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { id?: unknown }).id === 'string' &&
  typeof (value as { response?: unknown }).response === 'object';

/** When a challenge handed out now stops being accepted. */
const challengeExpiry = (clock: Clock) => new Date(clock.now().getTime() + CHALLENGE_MINUTES * 60_000);

/** Takes (uses up) a challenge handed out for this purpose, as SimpleWebAuthn checks the answer. */
const take =
  (
    { db, clock }: Pick<PasskeyDeps, 'db' | 'clock'>,
    purpose: 'register' | 'sign_in',
    accountId: string | null,
  ) =>
  (challenge: string) =>
    store.takeChallenge(db, challenge, purpose, accountId, clock.now());

/** A person's own passkeys: listing, adding and removing them from their account page. */
function ownPasskeys(deps: PasskeyDeps) {
  const { db, clock, ledger, hasAuthenticatorApp } = deps;

  /** Someone who has a second factor uses it before changing their passkeys. */
  async function mayChange(actor: Actor) {
    if (actor.authLevel === 'second_factor') return;
    const has = (await store.passkeysOf(db, actor.accountId)).length > 0;
    if (has || (await hasAuthenticatorApp(actor.accountId))) {
      throw new Forbidden('Sign in with your second factor before changing your passkeys');
    }
  }

  return {
    async list(actor: Actor) {
      return (await store.passkeysOf(db, actor.accountId)).map((p) => ({
        id: p.id,
        name: p.name,
        createdAt: p.created_at,
        lastUsedAt: p.last_used_at,
      }));
    },

    /** The options for the browser to make a new passkey for this person. */
    async registrationOptions(actor: Actor, site: PasskeySite) {
      await mayChange(actor);
      const existing = await store.passkeysOf(db, actor.accountId);
      const options = await generateRegistrationOptions({
        rpName: site.name,
        rpID: rpId(site),
        userName: actor.email,
        userDisplayName: actor.name,
        userID: new TextEncoder().encode(actor.accountId),
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({ id: p.credential_id })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      });
      await store.insertChallenge(db, {
        challenge: options.challenge,
        purpose: 'register',
        account_id: actor.accountId,
        expires_at: challengeExpiry(clock),
      });
      return options;
    },

    /** Keeps the passkey the browser made, if it answers a challenge handed out to this person. */
    async register(actor: Actor, response: unknown, name: string, site: PasskeySite): Promise<void> {
      await mayChange(actor);
      if (!isAnswer(response)) throw new Invalid('The passkey could not be read: try again');
      const verified = await verifyRegistrationResponse({
        response: response as RegistrationResponse,
        expectedChallenge: take(deps, 'register', actor.accountId),
        expectedOrigin: site.origin,
        expectedRPID: rpId(site),
      }).catch(() => ({ verified: false as const }));
      if (!verified.verified) {
        throw new Invalid(
          'The passkey could not be added: this attempt has expired or was already used. Try again.',
        );
      }
      const { credential } = verified.registrationInfo;
      const label = name.trim().slice(0, 100) || 'Passkey';
      await db.transaction().execute(async (trx) => {
        await store.insertPasskey(trx, {
          account_id: actor.accountId,
          credential_id: credential.id,
          public_key: credential.publicKey,
          counter: String(credential.counter),
          transports: credential.transports ?? [],
          name: label,
        });
        await ledger.append(trx, [audit.passkeyAdded(actor, label)]);
      });
    },

    async remove(actor: Actor, id: string): Promise<void> {
      await mayChange(actor);
      await db.transaction().execute(async (trx) => {
        const name = /^[0-9a-f-]{36}$/i.test(id)
          ? await store.deletePasskey(trx, actor.accountId, id)
          : undefined;
        if (!name) throw new NotFound('There is no such passkey on your account');
        await ledger.append(trx, [audit.passkeyRemoved(actor, name)]);
      });
    },
  };
}

/** Signing in with a passkey, from the sign-in page, at the second-factor level. */
function passkeySignIn(deps: PasskeyDeps) {
  const { db, clock, ledger, openSession } = deps;
  return {
    /** The options for the browser to sign in with any passkey it holds for Flagstone. */
    async signInOptions(site: PasskeySite) {
      await store.deleteExpiredChallenges(db, clock.now());
      const options = await generateAuthenticationOptions({
        rpID: rpId(site),
        userVerification: 'preferred',
      });
      await store.insertChallenge(db, {
        challenge: options.challenge,
        purpose: 'sign_in',
        account_id: null,
        expires_at: challengeExpiry(clock),
      });
      return options;
    },

    /** Signs in with a passkey: the new session's id; refused for an unknown passkey or a stale answer. */
    async signIn(response: unknown, site: PasskeySite): Promise<string> {
      if (!isAnswer(response)) throw new Invalid('The passkey could not be read: try again');
      const passkey = await store.findByCredential(db, response.id);
      if (!passkey) throw new Unauthorized('This passkey is not registered with Flagstone');
      const account = { id: passkey.account_id, kind: passkey.kind };
      const verified = await verifyAuthenticationResponse({
        response: response as AuthenticationResponse,
        expectedChallenge: take(deps, 'sign_in', null),
        expectedOrigin: site.origin,
        expectedRPID: rpId(site),
        credential: {
          id: passkey.credential_id,
          publicKey: new Uint8Array(passkey.public_key),
          counter: Number(passkey.counter),
          transports: passkey.transports as never,
        },
      }).catch(() => ({ verified: false, authenticationInfo: { newCounter: 0 } }));
      const used =
        verified.verified &&
        (await store.recordUse(db, passkey.id, verified.authenticationInfo.newCounter, clock.now()));
      if (!used) {
        await ledger.record([audit.passkeyRefused(account, 'challenge, signature or counter did not match')]);
        throw new Unauthorized('This passkey sign-in has expired or was already used: try again');
      }
      return openSession(account, PASSKEY);
    },
  };
}

export function passkeys(deps: PasskeyDeps) {
  return { ...ownPasskeys(deps), ...passkeySignIn(deps) };
}

export type Passkeys = ReturnType<typeof passkeys>;
