// Signing in with an email address and password, then a code from an authenticator app when the
// account has one: the forms and pages that Flagstone's own sign-in and the OpenID Connect
// provider's interactions share, and the cookie a new session is given.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PENDING_MINUTES } from './passwords.ts';
import type { Accounts } from './service.ts';
import { SESSION_COOKIE } from './sessions.ts';

/** The upstream providers people may sign in through instead (federation's), for the sign-in page. */
export interface OtherWaysToSignIn {
  list(): Promise<{ slug: string; name: string }[]>;
}

export interface SignInBody {
  email?: string;
  password?: string;
}

export function signInErrors(body: SignInBody) {
  const fieldErrors: Record<string, string> = {};
  const email = (body.email ?? '').trim();
  if (!email) fieldErrors.email = 'Enter your email address';
  else if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    fieldErrors.email = 'Enter an email address in the correct format, like name@example.com';
  }
  if (!body.password) fieldErrors.password = 'Enter your password';
  return fieldErrors;
}

/** The sign-in page; `extra` names where the form goes and the service being signed in to. */
export function signInPage(
  reply: FastifyReply,
  values: { email?: string },
  fieldErrors: Record<string, string>,
  status = 200,
  extra: {
    action?: string;
    clientName?: string;
    upstreams?: { name: string; href: string }[];
    passkeyNext?: string;
  } = {},
) {
  const errors = Object.entries(fieldErrors).map(([field, text]) => ({ text, href: `#${field}` }));
  return reply.code(status).page('sign-in.njk', { values, fieldErrors, errors, ...extra });
}

const PENDING_COOKIE = 'flagstone_pending';

/** Where the sign-in and code forms go and which service is being signed in to. */
export interface SignInTarget {
  action?: string;
  codeAction?: string;
  clientName?: string;
  /** Where a passkey sign-in (or step-up) goes on to; offered on the page when set. */
  passkeyNext?: string;
  /** Stepping up with a passkey only: no authenticator app is set up (its set-up page is offered). */
  passkeyOnly?: boolean;
  setUpAction?: string;
}

export function startSession(request: FastifyRequest, reply: FastifyReply, sessionId: string) {
  reply.setCookie(SESSION_COOKIE, sessionId, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    maxAge: 12 * 60 * 60,
  });
  reply.clearCookie(PENDING_COOKIE, { path: '/' });
}

export function codePage(reply: FastifyReply, extra: SignInTarget, error?: string, status = 200) {
  return reply.code(status).page('second-factor-code.njk', {
    action: extra.codeAction ?? '/sign-in/code',
    clientName: extra.clientName,
    passkeyNext: extra.passkeyNext,
    passkeyOnly: extra.passkeyOnly,
    setUpAction: extra.setUpAction,
    fieldErrors: error ? { code: error } : {},
    errors: error ? [{ text: error, href: '#code' }] : [],
  });
}

/**
 * Checks the form and the password and opens a Flagstone session (cookie set), replacing
 * any session the browser had; returns the new session id, or null once a page is sent —
 * an error, or the page asking for the code from the person's authenticator app.
 */
export async function signInFromForm(
  identity: Pick<Accounts, 'signIn' | 'signOut'>,
  request: FastifyRequest<{ Body: SignInBody }>,
  reply: FastifyReply,
  extra: SignInTarget = {},
): Promise<string | null> {
  const body = request.body ?? {};
  const values = { email: typeof body.email === 'string' ? body.email : '' };
  const fieldErrors = signInErrors(body);
  if (Object.keys(fieldErrors).length > 0) {
    await signInPage(reply, values, fieldErrors, 400, extra);
    return null;
  }
  const result = await identity.signIn(values.email, String(body.password), request.ip);
  if (!result) {
    await signInPage(reply, values, { email: 'Enter a correct email address and password' }, 401, extra);
    return null;
  }
  await identity.signOut(request.cookies[SESSION_COOKIE]); // never carry a session across sign-ins
  if ('pendingId' in result) {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.setCookie(PENDING_COOKIE, result.pendingId, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: request.protocol === 'https',
      maxAge: PENDING_MINUTES * 60,
    });
    await codePage(reply, extra);
    return null;
  }
  startSession(request, reply, result.sessionId);
  return result.sessionId;
}

/** Finishes a sign-in with the code from the authenticator app: the session id, or null once a page is sent. */
export async function codeFromForm(
  identity: Pick<Accounts, 'completeSignIn'>,
  request: FastifyRequest<{ Body: { code?: string } }>,
  reply: FastifyReply,
  extra: SignInTarget = {},
): Promise<string | null> {
  const code = typeof request.body?.code === 'string' ? request.body.code : '';
  if (!code.trim()) {
    await codePage(reply, extra, 'Enter the 6-digit code from your authenticator app', 400);
    return null;
  }
  const result = await identity.completeSignIn(request.cookies[PENDING_COOKIE], code);
  if (!result) {
    await codePage(reply, extra, 'Enter the current code from your authenticator app', 401);
    return null;
  }
  startSession(request, reply, result.sessionId);
  return result.sessionId;
}

/** The upstream providers one may sign in through instead, as links (for an interaction, back to it). */
export async function upstreamLinks(identity: { upstreams: OtherWaysToSignIn }, interaction?: string) {
  const query = interaction ? `?interaction=${encodeURIComponent(interaction)}` : '';
  return (await identity.upstreams.list()).map((u) => ({
    name: u.name,
    href: `/sign-in/with/${u.slug}${query}`,
  }));
}

/** How often one client may post a sign-in form. */
export const signInRateLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };
