// Signing in through an upstream OpenID Connect provider: a link leaves for it, and it sends
// the browser back here with a code. What the browser must bring back (state, nonce, PKCE
// verifier) is kept in a signed, short-lived cookie, so any instance can finish the sign-in.
import type { FastifyInstance } from 'fastify';
import { Invalid } from '../../platform/index.ts';
import { type Accounts, startSession } from '../accounts/index.ts';
import type { IdentitySettings } from '../settings.ts';
import type { Federation } from './service.ts';
import type { UpstreamAttempt } from './sign-in.ts';

const ATTEMPT_COOKIE = 'flagstone_upstream';
const ATTEMPT_MINUTES = 10;
const UID = /^[A-Za-z0-9_-]{1,100}$/;

export async function federationRoutes(
  app: FastifyInstance,
  {
    identity,
    settings,
  }: { identity: Pick<Accounts, 'signOut'> & { upstreams: Federation }; settings: IdentitySettings },
) {
  const returnAddress = (slug: string) => `${settings.issuer}/sign-in/with/${slug}/return`;

  app.get<{ Params: { slug: string }; Querystring: { interaction?: string } }>(
    '/sign-in/with/:slug',
    async (request, reply) => {
      const { slug } = request.params;
      const interaction = request.query.interaction;
      const { url, attempt } = await identity.upstreams.start(
        slug,
        returnAddress(slug),
        interaction && UID.test(interaction) ? interaction : undefined,
      );
      reply.setCookie(ATTEMPT_COOKIE, JSON.stringify(attempt), {
        path: '/sign-in/with/',
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        signed: true,
        maxAge: ATTEMPT_MINUTES * 60,
      });
      return reply.redirect(url.href, 303);
    },
  );

  app.get<{ Params: { slug: string }; Querystring: Record<string, string> }>(
    '/sign-in/with/:slug/return',
    async (request, reply) => {
      const raw = request.cookies[ATTEMPT_COOKIE];
      const unsigned = raw ? request.unsignCookie(raw) : undefined;
      reply.clearCookie(ATTEMPT_COOKIE, { path: '/sign-in/with/' });
      let attempt: UpstreamAttempt | undefined;
      try {
        attempt =
          unsigned?.valid && unsigned.value ? (JSON.parse(unsigned.value) as UpstreamAttempt) : undefined;
      } catch {
        attempt = undefined;
      }
      if (!attempt || attempt.slug !== request.params.slug) {
        throw new Invalid('Your sign-in has timed out. Sign in again.');
      }
      if (request.query.error) {
        throw new Invalid('You did not finish signing in. Sign in again.');
      }
      const sessionId = await identity.upstreams.finish(attempt, new URL(request.url, settings.issuer));
      await identity.signOut(request.cookies.flagstone_session); // never carry a session across sign-ins
      startSession(request, reply, sessionId);
      return reply.redirect(attempt.interaction ? `/interaction/${attempt.interaction}` : '/home', 303);
    },
  );
}
