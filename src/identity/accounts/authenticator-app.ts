// The second factor from an authenticator app: a person sets one up with a first code, and a
// session signed in with a password alone steps up with a code. Each code is used once
// (second-factor.ts says which codes are accepted); setting up and stepping up go to the ledger.
import type { Db } from '../../db/index.ts';
import { type Actor, type Clock, sha256 } from '../../platform/index.ts';
import type { Ledger } from '../audit.ts';
import * as audit from './audit.ts';
import { acceptedStep, newTotpSecret, totpUri } from './second-factor.ts';
import { PASSWORD_AND_TOTP } from './sign-in-methods.ts';
import * as store from './store.ts';

export function authenticatorApp(db: Db, clock: Clock, ledger: Ledger) {
  /** Whether this code, from the account's set-up app, is right and unused; it is then used up. */
  async function acceptCode(accountId: string, code: string): Promise<boolean> {
    const row = await store.secondFactorOf(db, accountId);
    if (!row?.enrolled_at) return false;
    const step = acceptedStep(row.totp_secret, code, clock.now(), Number(row.last_step));
    return step !== null && (await store.useStep(db, accountId, step));
  }

  return {
    acceptCode,

    /** Whether the account has an authenticator app set up. */
    hasAuthenticatorApp: async (accountId: string) =>
      Boolean((await store.secondFactorOf(db, accountId))?.enrolled_at),

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
      await ledger.record([audit.secondFactorSetUp(actor)]);
      return true;
    },

    /** A session signed in with a password alone steps up with a code from the authenticator app. */
    async stepUp(actor: Actor, sessionId: string | undefined, code: string): Promise<boolean> {
      if (!sessionId || !(await acceptCode(actor.accountId, code))) return false;
      await store.setSessionMethod(db, sha256(sessionId), PASSWORD_AND_TOTP);
      await ledger.record([audit.steppedUp(actor)]);
      return true;
    },
  };
}
