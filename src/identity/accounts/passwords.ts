// Signing in with an email address and password, and finishing with a code from an
// authenticator app when the account has one. Wrong passwords are limited for each account from
// each address: an address that has guessed wrong five times in 15 minutes is refused for that
// account (in the ledger), while the account's owner, from anywhere else, still signs in with the
// right password (and their second factor). Together with the limit on tries from one address
// (web/), that leaves a guesser a few tries an address, and nobody a way to lock an account.
// A wrong email takes as long to refuse as a wrong password, so the answer does not say which
// accounts exist.
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Db } from '../../db/index.ts';
import { type Clock, Invalid, newToken, sha256, TooManyRequests } from '../../platform/index.ts';
import type { Ledger } from '../audit.ts';
import { PASSWORD_AND_TOTP } from './sign-in-methods.ts';
import * as store from './store.ts';

export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MINUTES = 15;
/** How long someone has to enter the code from their authenticator app after their password. */
export const PENDING_MINUTES = 10;

// Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
const decoy = hash(randomBytes(16).toString('hex'));

export interface PasswordDeps {
  db: Db;
  clock: Clock;
  ledger: Pick<Ledger, 'record'>;
  openSession(account: { id: string; kind: 'citizen' | 'staff' }, method: string): Promise<string>;
  /** Whether this code from the account's authenticator app is right and unused (it is then used up). */
  acceptCode(accountId: string, code: string): Promise<boolean>;
}

export function passwordSignIn({ db, clock, ledger, openSession, acceptCode }: PasswordDeps) {
  const minutesFromNow = (minutes: number) => new Date(clock.now().getTime() + minutes * 60_000);
  const emailKey = (email: string) => sha256(email.trim().toLowerCase());

  /** Refuses an address that has guessed wrong too often at this account, in the ledger. */
  async function refuseGuesser(email: string) {
    const account = await store.findAccountByEmail(db, email.trim());
    await ledger.record([
      {
        action: 'sign-in.throttled',
        resource: account ? { type: 'account', id: account.id } : null,
        subject: account?.kind === 'citizen' ? account.id : null,
        decision: 'deny',
        detail: { failures: MAX_FAILURES, minutes: FAILURE_WINDOW_MINUTES },
      },
    ]);
    throw new TooManyRequests(
      `You have entered the wrong details too many times. Wait ${FAILURE_WINDOW_MINUTES} minutes and try again.`,
    );
  }

  return {
    /**
     * Checks a password. Opens a session (its id for the cookie) unless the account has a second
     * factor, when it returns a pending sign-in that `completeSignIn` finishes with a code; null
     * when the email or password is wrong. Refuses an address (`source`, the client's IP) after
     * its repeated failures for one email; other addresses are not refused for them.
     */
    async signIn(
      email: string,
      password: string,
      source = '',
    ): Promise<{ sessionId: string } | { pendingId: string } | null> {
      const key = { email: emailKey(email), source: sha256(source) };
      const since = minutesFromNow(-FAILURE_WINDOW_MINUTES);
      if ((await store.recentFailures(db, key, since)) >= MAX_FAILURES) await refuseGuesser(email);
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
  };
}
