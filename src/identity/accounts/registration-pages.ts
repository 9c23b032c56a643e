// The pages of registering and of resetting a forgotten password: on the way in (no session
// needed), their posts limited like signing in. Each answer is the same whether or not an
// address has an account; a link that has expired or been used gets a page saying so.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { formErrors } from '../../web/index.ts';
import type { IdentitySettings } from '../settings.ts';
import type { Accounts } from './service.ts';
import { SESSION_COOKIE } from './sessions.ts';
import { signInRateLimit, startSession } from './sign-in.ts';

type Form = Record<string, string | undefined>;
const text = (v: unknown) => (typeof v === 'string' ? v : '');

interface Options {
  identity: Pick<Accounts, 'registration'>;
  settings: Pick<IdentitySettings, 'issuer'>;
}

/** The page again with the problems of what was sent, or null when the error is not the form's. */
function withProblems(reply: FastifyReply, template: string, error: unknown, values: object) {
  const form = formErrors(error);
  if (!form) throw error;
  if (form.fieldErrors.token) return reply.code(400).page('link-expired.njk');
  return reply.code(400).page(template, { ...form, values });
}

export async function registrationPages(app: FastifyInstance, { identity, settings }: Options) {
  const accounts = identity.registration;
  const limited = { config: signInRateLimit };

  app.get('/register', (request, reply) =>
    request.actor ? reply.redirect('/account') : reply.page('register.njk', { values: {} }),
  );
  app.post<{ Body: Form }>('/register', limited, async (request, reply) => {
    const body = request.body ?? {};
    const values = { name: text(body.name), email: text(body.email) };
    try {
      await accounts.register(
        { ...values, password: text(body.password), confirmPassword: text(body.confirmPassword) },
        settings.issuer,
      );
    } catch (error) {
      return withProblems(reply, 'register.njk', error, values);
    }
    return reply.page('check-email.njk', { email: values.email.trim(), registering: true });
  });

  app.get<{ Querystring: Form }>('/register/confirm', (request, reply) =>
    reply.page('register-confirm.njk', { token: text(request.query.token) }),
  );
  app.post<{ Body: Form }>('/register/confirm', limited, async (request, reply) => {
    try {
      const { sessionId } = await accounts.confirm(text(request.body?.token));
      startSession(request, reply, sessionId);
    } catch (error) {
      return withProblems(reply, 'link-expired.njk', error, {});
    }
    return reply.redirect('/account?registered=1', 303);
  });

  app.get<{ Querystring: Form }>('/account/email/confirm', (request, reply) =>
    reply.page('register-confirm.njk', { token: text(request.query.token), changing: true }),
  );
  app.post<{ Body: Form }>('/account/email/confirm', limited, async (request, reply) => {
    try {
      await accounts.confirmEmailChange(text(request.body?.token));
    } catch (error) {
      return withProblems(reply, 'link-expired.njk', error, {});
    }
    return reply.page('account-changed.njk', { title: 'Your email address has been changed' });
  });

  app.get('/forgotten-password', (_request, reply) => reply.page('forgotten-password.njk', { values: {} }));
  app.post<{ Body: Form }>('/forgotten-password', limited, async (request, reply) => {
    const email = text(request.body?.email);
    try {
      await accounts.requestReset(email, settings.issuer);
    } catch (error) {
      return withProblems(reply, 'forgotten-password.njk', error, { email });
    }
    return reply.page('check-email.njk', { email: email.trim(), registering: false });
  });

  app.get<{ Querystring: Form }>('/reset-password', async (request, reply) => {
    const token = text(request.query.token);
    if (!(await accounts.resetUsable(token))) return reply.code(400).page('link-expired.njk');
    return reply.page('reset-password.njk', { token });
  });
  app.post<{ Body: Form }>('/reset-password', limited, async (request, reply) => {
    const body = request.body ?? {};
    const token = text(body.token);
    try {
      await accounts.resetPassword(token, text(body.password), text(body.confirmPassword));
    } catch (error) {
      return withProblems(reply, 'reset-password.njk', error, { token });
    }
    return reply.page('password-changed.njk');
  });
}

/** Changing the password or the email address of the account signed in (a session needed). */
export async function accountChangePages(app: FastifyInstance, { identity, settings }: Options) {
  const accounts = identity.registration;
  const limited = { config: signInRateLimit };
  const fields = (body: Form | undefined) =>
    Object.fromEntries(Object.entries(body ?? {}).map(([k, v]) => [k, text(v)]));

  app.get('/account/password', (_request, reply) => reply.page('change-password.njk', { values: {} }));
  app.post<{ Body: Form }>('/account/password', limited, async (request, reply) => {
    try {
      await accounts.changePassword(
        request.actor,
        request.cookies[SESSION_COOKIE] ?? '',
        fields(request.body),
      );
    } catch (error) {
      return withProblems(reply, 'change-password.njk', error, {});
    }
    return reply.page('account-changed.njk', { title: 'Your password has been changed' });
  });

  app.get('/account/email', (_request, reply) => reply.page('change-email.njk', { values: {} }));
  app.post<{ Body: Form }>('/account/email', limited, async (request, reply) => {
    const form = fields(request.body);
    try {
      await accounts.requestEmailChange(request.actor, form, settings.issuer);
    } catch (error) {
      return withProblems(reply, 'change-email.njk', error, { email: form.email });
    }
    return reply.page('check-email.njk', { email: (form.email ?? '').trim(), changing: true });
  });
}
