// A signed-in person changing their password (the current one needed, their other sessions
// ended) or their email address (the current password needed, and the change made only when the
// link emailed to the new address is followed; an address another account has gets an email
// saying so instead, with the same answer). Each change is in the audit ledger.
import { hash, verify } from '@node-rs/argon2';
import type { Db } from '../../db/index.ts';
import { type Actor, Invalid, newToken, requireActor, sha256 } from '../../platform/index.ts';
import { EMAIL, emailLinks, passwordProblem, REGISTER_HOURS, type RegistrationDeps } from './registration.ts';
import * as store from './store.ts';

const refuse = (field: string, message: string) => new Invalid(message, [{ field, message }]);

/** The account signed in, if its password is this one; refused on `current` otherwise. */
async function withPassword(db: Db, actor: Actor | null, password: string) {
  const me = requireActor(actor);
  const account = await store.findAccountById(db, me.accountId);
  if (!account || !(await verify(account.password_hash, password).catch(() => false)))
    throw refuse('current', 'Enter your current password');
  return account;
}

export function accountChanges(deps: RegistrationDeps) {
  const { db, clock, ledger, outbox } = deps;
  const { later, tooMany, usable, expired, sendConfirmation } = emailLinks(deps);
  const entry = (action: string, id: string, kind: 'citizen' | 'staff') => ({
    action,
    actor: { account: id, kind },
    subject: kind === 'citizen' ? id : null,
    resource: { type: 'account', id },
  });

  return {
    /** Changes the password of the account signed in, ending its other sessions. */
    async changePassword(
      actor: Actor | null,
      sessionId: string,
      form: Record<string, string>,
    ): Promise<void> {
      const problems = passwordProblem(form.password ?? '', form.confirmPassword ?? '');
      const [field, message] = Object.entries(problems)[0] ?? [];
      const account = await withPassword(db, actor, form.current ?? '');
      if (field && message) throw refuse(field, message);
      const passwordHash = await hash(form.password ?? '');
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('accounts')
          .set({ password_hash: passwordHash })
          .where('id', '=', account.id)
          .execute();
        await trx
          .deleteFrom('sessions')
          .where('account_id', '=', account.id)
          .where('id_hash', '<>', sha256(sessionId))
          .execute();
        await ledger.append(trx, [entry('account.password-changed', account.id, account.kind)]);
      });
    },

    /** Emails a link to the new address; the address changes when it is followed. */
    async requestEmailChange(actor: Actor | null, form: Record<string, string>, base: string): Promise<void> {
      const email = (form.email ?? '').trim();
      if (!EMAIL.test(email) || email.length > 254)
        throw refuse('email', 'Enter an email address in the correct format, like name@example.com');
      const account = await withPassword(db, actor, form.current ?? '');
      await db.transaction().execute(async (trx) => {
        if (await tooMany(trx, email)) return;
        const taken = await store.findAccountByEmail(trx, email);
        const token = newToken();
        await trx
          .insertInto('email_links')
          .values({
            token_hash: sha256(token),
            purpose: 'change-email',
            email,
            account_id: account.id,
            expires_at: taken ? clock.now() : later(REGISTER_HOURS * 60),
          })
          .execute();
        await sendConfirmation(trx, {
          email,
          name: account.name,
          link: `${base}/account/email/confirm?token=${token}`,
          known: taken ?? null,
          base,
        });
        await ledger.append(trx, [entry('account.email-change-requested', account.id, account.kind)]);
      });
      outbox?.nudge();
    },

    /** Changes the address of the account whose link was followed, if no other account has it by now. */
    async confirmEmailChange(token: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const link = await usable(trx, token, 'change-email');
        if (!link?.account_id) throw expired();
        await trx
          .updateTable('email_links')
          .set({ used_at: clock.now() })
          .where('token_hash', '=', link.token_hash)
          .execute();
        if (await store.findAccountByEmail(trx, link.email)) throw expired();
        const account = await store.findAccountById(trx, link.account_id);
        if (!account) throw expired();
        await trx.updateTable('accounts').set({ email: link.email }).where('id', '=', account.id).execute();
        await ledger.append(trx, [entry('account.email-changed', account.id, account.kind)]);
      });
    },
  };
}
