// The pages of accounts: signing in (with a code from an authenticator app when the account has
// one), setting up a second factor and stepping up to it, signing out, and each person's home.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, requireActor } from '../../platform/index.ts';
import type { Accounts } from './service.ts';
import { ACTING_COOKIE, localPath, needsSecondFactor, SESSION_COOKIE } from './sessions.ts';
import {
  codeFromForm,
  codePage,
  type OtherWaysToSignIn,
  type SignInBody,
  signInFromForm,
  signInPage,
  signInRateLimit,
  upstreamLinks,
} from './sign-in.ts';

const roleNames = {
  staff: 'Staff',
  manager: 'Manager',
  ig_officer: 'Information governance officer',
  auditor: 'Auditor',
  admin: 'Administrator',
};

interface Options {
  identity: Pick<
    Accounts,
    | 'signIn'
    | 'completeSignIn'
    | 'signOut'
    | 'secondFactorFor'
    | 'confirmSecondFactor'
    | 'stepUp'
    | 'passkeys'
  > & { upstreams: OtherWaysToSignIn };
  places: PlacesService;
}

/**
 * Signing in and out, and setting up and stepping up to the second factor: the way in, which
 * web's signIn context keeps open to staff who have yet to give their second factor.
 */
/** A QR code of the authenticator link as SVG, drawn on the server, named for screen readers. */
async function qrCodeOf(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return svg.replace(
    '<svg ',
    '<svg role="img" aria-label="QR code of the key, for your authenticator app to scan" class="flagstone-qr-code" width="200" height="200" ',
  );
}

export async function signInPages(
  app: FastifyInstance,
  { identity }: Pick<Options, 'identity'>,
): Promise<void> {
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
  // The key, its link, and a QR code of the link for the app's camera (the key stays as text too).
  const setUp = async (actor: Actor) => {
    const factor = await identity.secondFactorFor(actor, 'Flagstone');
    return { ...factor, qrCode: factor.enrolled ? null : await qrCodeOf(factor.uri) };
  };
  const setUpAction = (next: unknown) => `/account/second-factor?next=${encodeURIComponent(localPath(next))}`;

  app.get<Next>('/account/second-factor', async (request, reply) => {
    const actor = requireActor(request.actor);
    return reply.page('second-factor-set-up.njk', {
      ...(await setUp(actor)),
      action: setUpAction(request.query.next),
      required: needsSecondFactor(actor),
    });
  });

  app.post<Next & { Body: { code?: string } }>('/account/second-factor', async (request, reply) => {
    const actor = requireActor(request.actor);
    const code = typeof request.body?.code === 'string' ? request.body.code : '';
    if (await identity.confirmSecondFactor(actor, request.cookies[SESSION_COOKIE], code)) {
      return reply.redirect(localPath(request.query.next), 303);
    }
    const error = code.trim()
      ? 'Enter the current code from your authenticator app'
      : 'Enter the 6-digit code';
    return reply.code(400).page('second-factor-set-up.njk', {
      ...(await setUp(actor)),
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
      if (await identity.stepUp(actor, request.cookies[SESSION_COOKIE], code))
        return reply.redirect(next, 303);
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
    await identity.signOut(request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.clearCookie(ACTING_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });
}

/** Each person's home page: a citizen's account, staff's page of their organisations and roles. */
export async function accountPages(app: FastifyInstance, { places }: Pick<Options, 'places'>): Promise<void> {
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
