// Citizens making their own accounts and getting back into them: registering with an email
// address and password (the account is made only when the link emailed to the address is
// followed), and resetting a forgotten password by an emailed link (used once, expiring). The
// answers never say whether an address has an account: someone registering an address already
// used gets an email saying so instead, and a reset asked for an unknown address sends nothing.
// Emails go through the outbox the composition root gives; each step is in the audit ledger.
import { hash } from '@node-rs/argon2';
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import { type Clock, Invalid, newToken, sha256 } from '../../platform/index.ts';
import type { Ledger } from '../audit.ts';
import * as store from './store.ts';

/** The outbox as identity sends through it (notify's, given by the composition root). */
export interface Outbox {
  queue(
    trx: Db,
    messages: {
      channel: 'email';
      recipient: string;
      template: 'account-confirm-email' | 'account-already-registered' | 'account-reset-password';
      personalisation: Record<string, string>;
    }[],
  ): Promise<void>;
  nudge(): void;
}

export const REGISTER_HOURS = 24;
export const RESET_MINUTES = 60;
/** Links sent to one address in an hour, beyond which nothing more is sent (the answer is the same). */
export const LINKS_AN_HOUR = 3;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface Registration {
  name?: string;
  email?: string;
  password?: string;
  confirmPassword?: string;
}

/** What is wrong with a new password, or null. */
export function passwordProblem(password: string, confirm: string): Record<string, string> {
  if (password.length < 10) return { password: 'Enter a password of at least 10 characters' };
  if (password.length > 200) return { password: 'Enter a password of 200 characters or fewer' };
  if (password !== confirm) return { confirmPassword: 'Enter the same password twice' };
  return {};
}

/** Every problem with a registration form, by field (empty when it is sound). */
export function registrationProblems(form: Registration): Record<string, string> {
  const problems: Record<string, string> = {};
  const name = (form.name ?? '').trim();
  const email = (form.email ?? '').trim();
  if (!name) problems.name = 'Enter your name';
  else if (name.length > 200) problems.name = 'Enter a name of 200 characters or fewer';
  if (!EMAIL.test(email) || email.length > 254)
    problems.email = 'Enter an email address in the correct format, like name@example.com';
  return { ...problems, ...passwordProblem(form.password ?? '', form.confirmPassword ?? '') };
}

export interface RegistrationDeps {
  db: Db;
  clock: Clock;
  ledger: Pick<Ledger, 'append' | 'record'>;
  outbox: Outbox | null;
  openSession(account: { id: string; kind: 'citizen' | 'staff' }, method: string): Promise<string>;
}

/** What both kinds of link share: their times, the hourly limit, finding one usable, sending. */
export function emailLinks({ clock, outbox }: RegistrationDeps) {
  const later = (minutes: number) => new Date(clock.now().getTime() + minutes * 60_000);

  /** Whether this address has been sent as many links as it may be in the last hour. */
  async function tooMany(trx: Db, email: string) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM email_links
       WHERE lower(email) = lower(${email}) AND created_at > ${later(-60)}`.execute(trx);
    return (rows[0]?.n ?? 0) >= LINKS_AN_HOUR;
  }

  /** The link with this token for this purpose, while it is unused and unexpired. */
  async function usable(trx: Db, token: string, purpose: 'register' | 'reset-password' | 'change-email') {
    return trx
      .selectFrom('email_links')
      .selectAll()
      .where('token_hash', '=', sha256(token))
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', clock.now())
      .forUpdate()
      .executeTakeFirst();
  }

  const expired = () =>
    new Invalid('The link has expired or has already been used', [
      { field: 'token', message: 'This link has expired or has already been used: ask for a new one' },
    ]);

  const send = async (trx: Db, message: Parameters<Outbox['queue']>[1][number]) => {
    if (outbox) await outbox.queue(trx, [message]);
  };

  /**
   * The email that confirms an address: its link, or — when the address has an account already —
   * where to sign in or reset the password instead, so no answer tells whether an address is known.
   */
  const sendConfirmation = (
    trx: Db,
    to: { email: string; name: string; link: string; known: { name: string } | null; base: string },
  ) =>
    send(trx, {
      channel: 'email',
      recipient: to.email,
      template: to.known ? 'account-already-registered' : 'account-confirm-email',
      personalisation: to.known
        ? { name: to.known.name, signIn: `${to.base}/sign-in`, reset: `${to.base}/forgotten-password` }
        : { name: to.name, link: to.link, hours: String(REGISTER_HOURS) },
    });
  return { later, tooMany, usable, expired, send, sendConfirmation };
}

function newAccounts(deps: RegistrationDeps) {
  const { db, clock, ledger, outbox, openSession } = deps;
  const { later, tooMany, usable, expired, sendConfirmation } = emailLinks(deps);
  return {
    /**
     * Takes a registration: emails a link to confirm the address, or, when the address already
     * has an account, an email saying so. The same answer either way; nothing is sent past the
     * hourly limit for an address.
     */
    async register(form: Registration, base: string): Promise<void> {
      const problems = registrationProblems(form);
      if (Object.keys(problems).length > 0)
        throw new Invalid(
          'The registration has errors',
          Object.entries(problems).map(([field, message]) => ({ field, message })),
        );
      const email = (form.email ?? '').trim();
      const name = (form.name ?? '').trim();
      const passwordHash = await hash(form.password ?? '');
      await db.transaction().execute(async (trx) => {
        if (await tooMany(trx, email)) return;
        const existing = await store.findAccountByEmail(trx, email);
        // An address already used gets a link that never works: it counts towards the limit alone.
        const token = newToken();
        await trx
          .insertInto('email_links')
          .values({
            token_hash: sha256(existing ? newToken() : token),
            purpose: 'register',
            email,
            name,
            password_hash: passwordHash,
            expires_at: existing ? clock.now() : later(REGISTER_HOURS * 60),
          })
          .execute();
        await sendConfirmation(trx, {
          email,
          name,
          link: `${base}/register/confirm?token=${token}`,
          known: existing ? { name } : null,
          base,
        });
        await ledger.append(trx, [
          {
            action: 'account.registration-requested',
            subject: existing?.kind === 'citizen' ? existing.id : null,
            detail: { already: !!existing },
          },
        ]);
      });
      outbox?.nudge();
    },

    /** Makes the account of a registration whose link was followed, signed in: its session id. */
    async confirm(token: string): Promise<{ sessionId: string }> {
      const account = await db.transaction().execute(async (trx) => {
        const link = await usable(trx, token, 'register');
        if (!link?.name || !link.password_hash) throw expired();
        await trx
          .updateTable('email_links')
          .set({ used_at: clock.now() })
          .where('token_hash', '=', link.token_hash)
          .execute();
        if (await store.findAccountByEmail(trx, link.email)) throw expired();
        const id = await store.insertAccount(trx, {
          kind: 'citizen',
          email: link.email,
          name: link.name,
          password_hash: link.password_hash,
        });
        await ledger.append(trx, [
          {
            action: 'account.registered',
            actor: { account: id, kind: 'citizen' },
            subject: id,
            resource: { type: 'account', id },
          },
        ]);
        return { id, kind: 'citizen' as const };
      });
      return { sessionId: await openSession(account, 'password') };
    },
  };
}

function passwordResets(deps: RegistrationDeps) {
  const { db, clock, ledger, outbox } = deps;
  const { later, tooMany, usable, expired, send } = emailLinks(deps);
  return {
    /** Emails a link to reset the password of the account with this address, if there is one. */
    async requestReset(emailGiven: string, base: string): Promise<void> {
      const email = emailGiven.trim();
      if (!EMAIL.test(email))
        throw new Invalid('The email address is not valid', [
          { field: 'email', message: 'Enter an email address in the correct format, like name@example.com' },
        ]);
      await db.transaction().execute(async (trx) => {
        const account = await store.findAccountByEmail(trx, email);
        if (!account || (await tooMany(trx, email))) return;
        const token = newToken();
        await trx
          .insertInto('email_links')
          .values({
            token_hash: sha256(token),
            purpose: 'reset-password',
            email,
            account_id: account.id,
            expires_at: later(RESET_MINUTES),
          })
          .execute();
        await send(trx, {
          channel: 'email',
          recipient: account.email,
          template: 'account-reset-password',
          personalisation: {
            name: account.name,
            link: `${base}/reset-password?token=${token}`,
            minutes: String(RESET_MINUTES),
          },
        });
        await ledger.append(trx, [
          {
            action: 'account.reset-requested',
            subject: account.kind === 'citizen' ? account.id : null,
            resource: { type: 'account', id: account.id },
          },
        ]);
      });
      outbox?.nudge();
    },

    /** Whether a reset link can still be used (to show its form, or say it has expired). */
    async resetUsable(token: string): Promise<boolean> {
      return !!(await usable(db, token, 'reset-password'));
    },

    /** Sets the new password of a reset link, uses the link up and ends the account's sessions. */
    async resetPassword(token: string, password: string, confirm: string): Promise<void> {
      const problems = passwordProblem(password, confirm);
      if (Object.keys(problems).length > 0)
        throw new Invalid(
          'The new password has errors',
          Object.entries(problems).map(([field, message]) => ({ field, message })),
        );
      const passwordHash = await hash(password);
      await db.transaction().execute(async (trx) => {
        const link = await usable(trx, token, 'reset-password');
        if (!link?.account_id) throw expired();
        const now = clock.now();
        await trx
          .updateTable('email_links')
          .set({ used_at: now })
          .where('token_hash', '=', link.token_hash)
          .execute();
        await trx
          .updateTable('accounts')
          .set({ password_hash: passwordHash })
          .where('id', '=', link.account_id)
          .execute();
        await trx.deleteFrom('sessions').where('account_id', '=', link.account_id).execute();
        await ledger.append(trx, [
          {
            action: 'account.password-reset',
            subject: link.account_id,
            resource: { type: 'account', id: link.account_id },
          },
        ]);
      });
    },
  };
}

export function registration(deps: RegistrationDeps) {
  return { ...newAccounts(deps), ...passwordResets(deps) };
}

export type RegistrationService = ReturnType<typeof registration>;
