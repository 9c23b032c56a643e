import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { PlacesService } from '../places/index.ts';
import { type Actor, Forbidden, requireActor } from '../platform/index.ts';
import { ACTING_COOKIE, delegationPages } from './delegation-pages.ts';
import { SESSION_COOKIE } from './provider.ts';
import { type IdentityService, PENDING_MINUTES } from './service.ts';
import type { IdentitySettings } from './settings.ts';

const COOKIE = SESSION_COOKIE;
const roleNames = {
  staff: 'Staff',
  manager: 'Manager',
  ig_officer: 'Information governance officer',
  auditor: 'Auditor',
  admin: 'Administrator',
};

interface Options {
  identity: IdentityService;
  places: PlacesService;
}

/** Who is asking, for every request: the account behind the session cookie, or nobody. */
export const sessions = fp<Pick<Options, 'identity'> & { settings: IdentitySettings }>(
  async (app, { identity, settings }) => {
    app.decorateRequest('actor', null);
    app.addHook('onRequest', async (request, reply) => {
      if (request.url.startsWith('/assets/') || request.url === '/healthz') return;
      request.actor = await identity.actorFor(request.cookies[COOKIE]);
      const acting = request.cookies[ACTING_COOKIE];
      if (request.actor && acting) {
        const chosen = await identity.delegations.chosen(request.actor, acting);
        if (chosen) request.actor.delegation = chosen;
      }
      if (
        settings.staffSecondFactor &&
        needsSecondFactor(request.actor) &&
        !OPEN_WITHOUT_IT.test(request.url)
      ) {
        return sendToSecondFactor(request, reply, request.url);
      }
    });
  },
);

/** Where staff may go before setting up the second factor their sign-in needs. */
const OPEN_WITHOUT_IT =
  /^\/(account\/second-factor|account\/step-up|sign-in|sign-out|oidc\/|interaction\/|\.well-known\/|readyz)/;

/** Staff signed in with a password alone, where a second factor is required of them. */
export const needsSecondFactor = (actor: Actor | null) =>
  actor?.kind === 'staff' && !actor.machine && actor.authLevel !== 'second_factor';

/** A safe place to go back to: a path on this site only. */
export const localPath = (next: unknown) =>
  typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/home';

/** The page a form was sent from, when it is one of this site's: where to come back to after stepping up. */
function formPage(request: FastifyRequest): string {
  const from = URL.parse(String(request.headers.referer ?? ''));
  const here = URL.parse(`${request.protocol}://${request.host}`)?.origin;
  return from && from.origin === here ? `${from.pathname}${from.search}` : '/home';
}

/**
 * Sends a person to step up to a second factor (setting one up first if they have none) and
 * back to the page they asked for (after a form, the page the form was on, to send it again);
 * an API call is refused instead.
 */
export function sendToSecondFactor(request: FastifyRequest, reply: FastifyReply, next: string) {
  if (!(request.headers.accept ?? '').includes('text/html')) {
    throw new Forbidden('This needs a second factor: sign in with the code from your authenticator app');
  }
  const back = request.method === 'GET' ? next : formPage(request);
  return reply.redirect(`/account/step-up?next=${encodeURIComponent(localPath(back))}`, 303);
}

/** A route hook that requires a second factor of this session, sending the person to step up. */
export async function requireSecondFactor(request: FastifyRequest, reply: FastifyReply) {
  const actor = requireActor(request.actor);
  if (actor.authLevel !== 'second_factor' && !actor.machine)
    return sendToSecondFactor(request, reply, request.url);
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
  reply.setCookie(COOKIE, sessionId, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    maxAge: 12 * 60 * 60,
  });
  reply.clearCookie(PENDING_COOKIE, { path: '/' });
}

function codePage(reply: FastifyReply, extra: SignInTarget, error?: string, status = 200) {
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
  identity: IdentityService,
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
  const result = await identity.signIn(values.email, String(body.password));
  if (!result) {
    await signInPage(reply, values, { email: 'Enter a correct email address and password' }, 401, extra);
    return null;
  }
  await identity.signOut(request.cookies[COOKIE]); // never carry a session across sign-ins
  if ('pendingId' in result) {
    reply.clearCookie(COOKIE, { path: '/' });
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
  identity: IdentityService,
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
export async function upstreamLinks(identity: IdentityService, interaction?: string) {
  const query = interaction ? `?interaction=${encodeURIComponent(interaction)}` : '';
  return (await identity.upstreams.list()).map((u) => ({
    name: u.name,
    href: `/sign-in/with/${u.slug}${query}`,
  }));
}

/** How often one client may post a sign-in form. */
export const signInRateLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };

async function pages(app: FastifyInstance, { identity, places }: Options): Promise<void> {
  await app.register(fastifyRateLimit, { global: false });
  await app.register(delegationPages, { identity });

  app.get('/sign-in', async (request, reply) => {
    if (request.actor) return reply.redirect('/home');
    return signInPage(reply, {}, {}, 200, { upstreams: await upstreamLinks(identity) });
  });

  app.post<{ Body: SignInBody }>('/sign-in', { config: signInRateLimit }, async (request, reply) => {
    if (!(await signInFromForm(identity, request, reply))) return reply;
    return reply.redirect('/home', 303);
  });

  app.post<{ Body: { code?: string } }>(
    '/sign-in/code',
    { config: signInRateLimit },
    async (request, reply) => {
      if (!(await codeFromForm(identity, request, reply))) return reply;
      return reply.redirect('/home', 303);
    },
  );

  type Next = { Querystring: { next?: string } };
  const setUpAction = (next: unknown) => `/account/second-factor?next=${encodeURIComponent(localPath(next))}`;

  app.get<Next>('/account/second-factor', async (request, reply) => {
    const actor = requireActor(request.actor);
    return reply.page('second-factor-set-up.njk', {
      ...(await identity.secondFactorFor(actor, 'Flagstone')),
      action: setUpAction(request.query.next),
      required: needsSecondFactor(actor),
    });
  });

  app.post<Next & { Body: { code?: string } }>('/account/second-factor', async (request, reply) => {
    const actor = requireActor(request.actor);
    const code = typeof request.body?.code === 'string' ? request.body.code : '';
    if (await identity.confirmSecondFactor(actor, request.cookies[COOKIE], code)) {
      return reply.redirect(localPath(request.query.next), 303);
    }
    const error = code.trim()
      ? 'Enter the current code from your authenticator app'
      : 'Enter the 6-digit code';
    return reply.code(400).page('second-factor-set-up.njk', {
      ...(await identity.secondFactorFor(actor, 'Flagstone')),
      action: setUpAction(request.query.next),
      fieldErrors: { code: error },
      errors: [{ text: error, href: '#code' }],
    });
  });

  // Stepping up: a session signed in with a password alone enters a code (or sets one up first).
  app.get<Next>('/account/step-up', async (request, reply) => {
    const actor = requireActor(request.actor);
    const next = localPath(request.query.next);
    if (actor.authLevel === 'second_factor') return reply.redirect(next);
    const hasPasskey = (await identity.passkeys.list(actor)).length > 0;
    const hasApp = (await identity.secondFactorFor(actor, 'Flagstone')).enrolled;
    if (!hasPasskey && !hasApp) return reply.redirect(setUpAction(next));
    return codePage(reply, {
      codeAction: `/account/step-up?next=${encodeURIComponent(next)}`,
      passkeyNext: next,
      passkeyOnly: !hasApp,
      setUpAction: setUpAction(next),
    });
  });

  app.post<Next & { Body: { code?: string } }>(
    '/account/step-up',
    { config: signInRateLimit },
    async (request, reply) => {
      const actor = requireActor(request.actor);
      const next = localPath(request.query.next);
      const code = typeof request.body?.code === 'string' ? request.body.code : '';
      if (await identity.stepUp(actor, request.cookies[COOKIE], code)) return reply.redirect(next, 303);
      const action = `/account/step-up?next=${encodeURIComponent(next)}`;
      return codePage(
        reply,
        { codeAction: action, passkeyNext: next },
        'Enter the current code from your authenticator app',
        401,
      );
    },
  );

  app.post('/sign-out', async (request, reply) => {
    await identity.signOut(request.cookies[COOKIE]);
    reply.clearCookie(COOKIE, { path: '/' });
    reply.clearCookie(ACTING_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });

  app.get('/home', (request, reply) => {
    const actor = requireActor(request.actor);
    return reply.redirect(actor.kind === 'staff' ? '/staff' : '/account');
  });

  app.get('/account', async (request: FastifyRequest, reply) => {
    const actor = requireActor(request.actor);
    if (actor.kind !== 'citizen') return reply.redirect('/staff');
    const [place, services, organisations] = await Promise.all([
      places.place(),
      places.services(),
      places.organisations(),
    ]);
    return reply.page('citizen-home.njk', {
      place,
      serviceCount: services.length,
      organisationCount: organisations.length,
    });
  });

  app.get('/staff', (request, reply) => {
    const actor = requireActor(request.actor);
    if (actor.kind !== 'staff') return reply.redirect('/account');
    const byOrganisation = new Map<string, { name: string; roles: string[] }>();
    for (const r of actor.roles) {
      const entry = byOrganisation.get(r.organisation) ?? { name: r.organisationName, roles: [] };
      entry.roles.push(roleNames[r.role]);
      byOrganisation.set(r.organisation, entry);
    }
    return reply.page('staff-home.njk', {
      organisations: [...byOrganisation.values()],
      isAdmin: actor.roles.some((r) => r.role === 'admin'),
    });
  });
}

export const identityPages = pages;
