// Passkeys on the web: the account page that lists, adds and removes them, signing in (or
// stepping up) with one, and the page script with SimpleWebAuthn's browser side, served from
// here. The ceremonies post JSON with the page's CSRF token in a header.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../platform/index.ts';
import { govukDate } from '../../web/index.ts';
import type { IdentitySettings } from '../settings.ts';
import type { PasskeySite } from './passkeys.ts';
import type { Accounts } from './service.ts';
import { localPath } from './sessions.ts';
import { signInRateLimit, startSession } from './sign-in.ts';

// SimpleWebAuthn's browser bundle (a classic script defining SimpleWebAuthnBrowser), beside its entry.
const entry = pathToFileURL(createRequire(import.meta.url).resolve('@simplewebauthn/browser'));
const browserBundle = new URL('../dist/bundle/index.umd.min.js', entry);
const scripts = {
  'webauthn.js': fileURLToPath(browserBundle),
  'passkeys.js': fileURLToPath(new URL('./assets/passkeys.js', import.meta.url)),
};

const day = (date: Date | null) => (date ? govukDate(date) : undefined);

interface Options {
  identity: Pick<Accounts, 'passkeys' | 'signOut'>;
  settings: IdentitySettings;
}

const siteOf = (settings: IdentitySettings): PasskeySite => ({
  name: 'Flagstone',
  origin: new URL(settings.issuer).origin,
});

/** The page scripts, served like any asset: to anyone, with no session looked up. */
export async function passkeyScripts(app: FastifyInstance) {
  for (const [file, path] of Object.entries(scripts)) {
    const body = await readFile(path);
    app.get(`/assets/identity/${file}`, (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(body),
    );
  }
}

/** The account page that lists, adds and removes a person's passkeys. */
export async function passkeyPages(app: FastifyInstance, { identity, settings }: Options) {
  const site = siteOf(settings);
  const { passkeys } = identity;

  app.get('/account/passkeys', async (request, reply) => {
    const actor = requireActor(request.actor);
    const list = await passkeys.list(actor);
    return reply.page('passkeys.njk', {
      passkeys: list.map((p) => ({ ...p, added: day(p.createdAt), lastUsed: day(p.lastUsedAt) })),
    });
  });

  app.post('/account/passkeys/options', async (request) =>
    passkeys.registrationOptions(requireActor(request.actor), site),
  );

  app.post<{ Body: { response?: unknown; name?: unknown } }>('/account/passkeys', async (request, reply) => {
    const actor = requireActor(request.actor);
    const name = typeof request.body?.name === 'string' ? request.body.name : '';
    await passkeys.register(actor, request.body?.response, name, site);
    return reply.code(201).send({ next: '/account/passkeys' });
  });

  app.post<{ Params: { id: string } }>('/account/passkeys/:id/remove', async (request, reply) => {
    await passkeys.remove(requireActor(request.actor), request.params.id);
    return reply.redirect('/account/passkeys', 303);
  });
}

/** Signing in, or stepping up, with a passkey: on the way in, before any second factor. */
export async function passkeySignIn(app: FastifyInstance, { identity, settings }: Options) {
  const site = siteOf(settings);
  const { passkeys } = identity;

  app.post('/sign-in/passkey/options', { config: signInRateLimit }, async () => passkeys.signInOptions(site));

  app.post<{ Body: { response?: unknown; next?: unknown } }>(
    '/sign-in/passkey',
    { config: signInRateLimit },
    async (request, reply) => {
      const sessionId = await passkeys.signIn(request.body?.response, site);
      await identity.signOut(request.cookies.flagstone_session); // never carry a session across sign-ins
      startSession(request, reply, sessionId);
      return reply.send({ next: localPath(request.body?.next) });
    },
  );
}
