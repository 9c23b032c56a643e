// Accounts and sessions: signing in with a password, server-side sessions, throttling, the
// second factor (an authenticator app, or a passkey), and what other modules may read of accounts.
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Db } from '../../db/index.ts';
import {
  type Actor,
  type Clock,
  Invalid,
  newToken,
  type StaffRole,
  sha256,
  TooManyRequests,
} from '../../platform/index.ts';
import type { Ledger } from '../audit.ts';
import * as audit from './audit.ts';
import { PASSKEY, passkeys } from './passkeys.ts';
import { acceptedStep, newTotpSecret, totpUri } from './second-factor.ts';
import * as store from './store.ts';

/** How sure an upstream identity provider is of who the person is (GOV.UK One Login style). */
export type IdentityConfidence = NonNullable<Actor['identityConfidence']>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const SESSION_IDLE_MINUTES = 120;
export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MINUTES = 15;
/** How long someone has to enter the code from their authenticator app after their password. */
export const PENDING_MINUTES = 10;
/** How a session was signed in to with a password and a code from an authenticator app. */
export const PASSWORD_AND_TOTP = 'password+totp';

/** Whether a session's sign-in method used a second factor: here, or at an upstream provider. */
export const usedSecondFactor = (method: string) =>
  method === PASSWORD_AND_TOTP || method === PASSKEY || method.endsWith('+mfa');

// Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
const decoy = hash(randomBytes(16).toString('hex'));

export interface NewAccount {
  kind: 'citizen' | 'staff';
  email: string;
  name: string;
  password: string;
  roles?: { organisationId: string; role: StaffRole }[];
}

/** The use-cases of accounts and sessions, writing to the one audit ledger of the app. */
export function accountsService(db: Db, clock: Clock, theLedger: Ledger) {
  const minutesFromNow = (minutes: number) => new Date(clock.now().getTime() + minutes * 60_000);
  const emailKey = (email: string) => sha256(email.trim().toLowerCase());
  const actorOf = async (
    account: Pick<store.AccountRow, 'id' | 'kind' | 'name' | 'email'> & {
      auth_method?: string;
      identity_confidence?: IdentityConfidence | null;
    },
  ): Promise<Actor> => {
    const roles = account.kind === 'staff' ? await store.rolesOf(db, account.id) : [];
    const actor: Actor = {
      accountId: account.id,
      kind: account.kind,
      name: account.name,
      email: account.email,
      roles,
    };
    if (account.auth_method) {
      actor.authLevel = usedSecondFactor(account.auth_method) ? 'second_factor' : 'password';
      actor.authMethod = account.auth_method;
    }
    if (account.identity_confidence) actor.identityConfidence = account.identity_confidence;
    return actor;
  };

  async function openSession(
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
        expires_at: minutesFromNow(SESSION_IDLE_MINUTES),
        identity_confidence: upstream?.confidence ?? null,
        upstream: upstream?.slug ?? null,
      });
      await theLedger.append(trx, [audit.signedIn(account, method, upstream?.confidence)]);
    });
    return sessionId;
  }

  async function acceptCode(accountId: string, code: string): Promise<boolean> {
    const row = await store.secondFactorOf(db, accountId);
    if (!row?.enrolled_at) return false;
    const step = acceptedStep(row.totp_secret, code, clock.now(), Number(row.last_step));
    return step !== null && (await store.useStep(db, accountId, step));
  }

  async function createAccount(account: NewAccount, trx: Db = db): Promise<string> {
    const id = await store.insertAccount(trx, {
      kind: account.kind,
      email: account.email,
      name: account.name,
      password_hash: await hash(account.password),
    });
    await store.insertRoles(
      trx,
      (account.roles ?? []).map((r) => ({
        account_id: id,
        organisation_id: r.organisationId,
        role: r.role,
      })),
    );
    return id;
  }

  return {
    createAccount,

    /** Opens a session for an account signed in some way (a passkey, an upstream provider): its id. */
    openSession,

    /** Passkeys: added from the account page, signed in with at the second-factor level. */
    passkeys: passkeys({
      db,
      clock,
      ledger: theLedger,
      openSession,
      hasAuthenticatorApp: async (accountId) =>
        Boolean((await store.secondFactorOf(db, accountId))?.enrolled_at),
    }),

    /**
     * Checks a password. Opens a session (its id for the cookie) unless the account has a second
     * factor, when it returns a pending sign-in that `completeSignIn` finishes with a code; null
     * when the email or password is wrong. Refuses after repeated failures for one email.
     */
    async signIn(
      email: string,
      password: string,
    ): Promise<{ sessionId: string } | { pendingId: string } | null> {
      const key = emailKey(email);
      const since = minutesFromNow(-FAILURE_WINDOW_MINUTES);
      if ((await store.recentFailures(db, key, since)) >= MAX_FAILURES) {
        throw new TooManyRequests(
          `You have entered the wrong details too many times. Wait ${FAILURE_WINDOW_MINUTES} minutes and try again.`,
        );
      }
      const account = await store.findAccountByEmail(db, email.trim());
      const ok =
        account && !account.disabled
          ? await verify(account.password_hash, password)
          : await verify(await decoy, password).then(() => false);
      if (!account || !ok) {
        await store.recordFailure(db, key, clock.now());
        return null;
      }
      await store.clearFailures(db, key);
      if ((await store.secondFactorOf(db, account.id))?.enrolled_at) {
        const pendingId = newToken();
        await store.insertPendingSignIn(db, {
          id_hash: sha256(pendingId),
          account_id: account.id,
          expires_at: minutesFromNow(PENDING_MINUTES),
        });
        return { pendingId };
      }
      return { sessionId: await openSession(account, 'password') };
    },

    /** Finishes a pending sign-in with a code from the authenticator app: the session id, or null. */
    async completeSignIn(pendingId: string | undefined, code: string): Promise<{ sessionId: string } | null> {
      const idHash = sha256(pendingId ?? '');
      const pending = pendingId ? await store.findPendingSignIn(db, idHash, clock.now()) : undefined;
      if (!pending) throw new Invalid('Your sign-in has timed out. Sign in again.');
      if (pending.failures >= MAX_FAILURES) {
        await store.deletePendingSignIn(db, idHash);
        throw new TooManyRequests('You have entered the wrong code too many times. Sign in again.');
      }
      if (!(await acceptCode(pending.account_id, code))) {
        await store.recordPendingFailure(db, idHash);
        return null;
      }
      await store.deletePendingSignIn(db, idHash);
      return {
        sessionId: await openSession({ id: pending.account_id, kind: pending.kind }, PASSWORD_AND_TOTP),
      };
    },

    /** The secret for a person setting up their authenticator app, and whether they have. */
    async secondFactorFor(actor: Actor, serviceName: string) {
      const secret = await store.secretToEnrol(db, actor.accountId, newTotpSecret());
      const row = await store.secondFactorOf(db, actor.accountId);
      return { secret, uri: totpUri(secret, actor.email, serviceName), enrolled: Boolean(row?.enrolled_at) };
    },

    /** Confirms the set-up with a first code; this session then counts as using a second factor. */
    async confirmSecondFactor(actor: Actor, sessionId: string | undefined, code: string): Promise<boolean> {
      const row = await store.secondFactorOf(db, actor.accountId);
      if (!row || !sessionId) return false;
      const step = acceptedStep(row.totp_secret, code, clock.now(), Number(row.last_step));
      if (
        step === null ||
        !(await store.useStep(db, actor.accountId, step, row.enrolled_at ?? clock.now()))
      ) {
        return false;
      }
      await store.setSessionMethod(db, sha256(sessionId), PASSWORD_AND_TOTP);
      await theLedger.record([audit.secondFactorSetUp(actor)]);
      return true;
    },

    /** A session signed in with a password alone steps up with a code from the authenticator app. */
    async stepUp(actor: Actor, sessionId: string | undefined, code: string): Promise<boolean> {
      if (!sessionId || !(await acceptCode(actor.accountId, code))) return false;
      await store.setSessionMethod(db, sha256(sessionId), PASSWORD_AND_TOTP);
      await theLedger.record([audit.steppedUp(actor)]);
      return true;
    },

    /** The account behind a session cookie, or null when it is unknown, expired or disabled. */
    async actorFor(sessionId: string | undefined): Promise<Actor | null> {
      if (!sessionId) return null;
      const account = await store.touchSession(
        db,
        sha256(sessionId),
        clock.now(),
        minutesFromNow(SESSION_IDLE_MINUTES),
      );
      return account ? actorOf(account) : null;
    },

    /** The person with this account id, or null when there is none or it is disabled. */
    async actorById(accountId: string): Promise<Actor | null> {
      if (!UUID.test(accountId)) return null;
      const account = await store.findAccountById(db, accountId);
      return account ? actorOf(account) : null;
    },

    async signOut(sessionId: string | undefined): Promise<void> {
      if (sessionId) await store.deleteSession(db, sha256(sessionId));
    },

    /** The person with this email address, as the rest of Flagstone sees them (the demo acts as them). */
    async actorByEmail(email: string): Promise<Actor | null> {
      const account = await store.findAccountByEmail(db, email.trim());
      return account && !account.disabled ? actorOf(account) : null;
    },

    async removeExpiredSessions(): Promise<void> {
      await store.deleteExpiredSessions(db, clock.now());
    },

    sharedSecret: (name: string) => store.sharedSecret(db, name, newToken()),

    // What other modules may read of accounts, a batch at a time (the registers show who decided
    // something, and find whom a record is about), so that no module but this one reads its tables.

    /** The names of these accounts, by account id. */
    accountNames: (ids: string[]) => store.accountNames(db, ids),

    /** The citizen accounts with these email addresses (in any case), by each address as given. */
    citizensByEmail: (emails: string[]) => store.citizensByEmail(db, emails),
  };
}

export type Accounts = ReturnType<typeof accountsService>;
