// Mounts the OpenID Connect provider in Fastify (it parses its own bodies and answers its own
// requests under /oidc/), serves its interactions — sign in, consent — as GOV.UK pages, and adds
// who is calling to the API and the administrators' pages of relying parties.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { type Actor, Invalid } from '../../platform/index.ts';
import type { Contexts } from '../../web/index.ts';
import {
  codeFromForm,
  needsSecondFactor,
  type SignInBody,
  signInFromForm,
  signInPage,
  signInRateLimit,
  upstreamLinks,
} from '../accounts/index.ts';
import type { IdentitySettings } from '../settings.ts';
import { callerRoutes } from './api-tokens.ts';
import { clientPages } from './client-pages.ts';
import { scopeDescriptions } from './clients.ts';
import {
  allowFormsToReach,
  asksSecondFactor,
  buildProvider,
  loginResult,
  MOUNT,
  type ProviderDeps,
} from './provider.ts';
import type { ProviderIdentity } from './service.ts';

/** How long an instance signs with a key before checking whether another instance rotated it. */
const KEY_CHECK_MS = 30_000;

interface ProviderOptions {
  identity: ProviderIdentity;
  settings: IdentitySettings;
}

export interface OpenIdOptions extends ProviderOptions {
  contexts: Contexts;
}

/** The provider for the current signing keys, rebuilt when `flagstone keys rotate` changes them. */
function currentProvider(deps: ProviderDeps) {
  let cached: { provider: Provider; version: string; checkedAt: number; rotations: number } | undefined;
  let pending: Promise<Provider> | undefined;
  const refresh = async () => {
    const rotations = deps.identity.keys.rotations();
    const keys = await deps.identity.keys.privateKeys();
    const version = keys.map((k) => k.kid).join(',');
    if (!cached || cached.version !== version) {
      cached = { provider: buildProvider(deps, keys), version, checkedAt: Date.now(), rotations };
    } else cached = { ...cached, checkedAt: Date.now(), rotations };
    return cached.provider;
  };
  return async (): Promise<Provider> => {
    if (
      cached &&
      Date.now() - cached.checkedAt < KEY_CHECK_MS &&
      cached.rotations === deps.identity.keys.rotations()
    ) {
      return cached.provider;
    }
    pending ??= refresh().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

/** The interaction this browser is in; its pages' forms may end at the client's redirect address. */
async function interactionDetails(provider: Provider, request: FastifyRequest, reply: FastifyReply) {
  let details: Awaited<ReturnType<Provider['interactionDetails']>>;
  try {
    details = await provider.interactionDetails(request.raw, reply.raw);
  } catch {
    throw new Invalid(
      'Your sign-in has timed out or was already used. Go back to the service you were using and try again.',
    );
  }
  const csp = String(reply.raw.getHeader('content-security-policy') ?? '');
  reply.header('content-security-policy', allowFormsToReach(csp, details.params.redirect_uri));
  return details;
}

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;
type Missing = {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
};

/** The scopes a consent page asks the person for. */
function askedFor(details: Interaction): string[] {
  const missing = details.prompt.details as Missing;
  const asked = new Set([
    ...(missing.missingOIDCScope ?? []),
    ...Object.values(missing.missingResourceScopes ?? {}).flat(),
  ]);
  asked.delete('openid');
  return [...asked];
}

/** Grants the client what the person was asked for; returns the consent result for the provider. */
async function grantConsent(provider: Provider, details: Interaction): Promise<{ grantId?: string }> {
  const accountId = String(details.session?.accountId);
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  if (!grant)
    throw new Invalid('Your sign-in has timed out. Go back to the service you were using and try again.');
  const missing = details.prompt.details as Missing;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return details.grantId ? {} : { grantId };
}

/** Handing a sign-in to the provider once the person is signed in to Flagstone at the level asked. */
function interactionLogins({ identity, settings }: ProviderOptions) {
  /** Staff where a second factor is required of them, or anyone a service asks one of (`acr_values`). */
  const mustStepUp = (actor: Actor, details: Interaction) =>
    (settings.staffSecondFactor && needsSecondFactor(actor)) ||
    (asksSecondFactor(details.params.acr_values) && actor.authLevel !== 'second_factor');
  const stepUp = (reply: FastifyReply, details: Interaction) =>
    reply.redirect(`/account/step-up?next=${encodeURIComponent(`/interaction/${details.uid}`)}`, 303);

  /** The person is signed in to Flagstone (at the level asked): tell the provider, and the audit ledger. */
  async function finishLogin(
    current: Provider,
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    details: Interaction,
    method: string,
  ) {
    if (mustStepUp(actor, details)) return stepUp(reply, details);
    const to = await current.interactionResult(request.raw, reply.raw, loginResult(actor));
    await identity.recordSignInToService(actor, String(details.params.client_id), method);
    return reply.redirect(to, 303);
  }

  /** The person has just signed in to Flagstone with this session. */
  async function signedIn(
    current: Provider,
    request: FastifyRequest,
    reply: FastifyReply,
    sessionId: string,
    details: Interaction,
  ) {
    const actor = await identity.actorFor(sessionId);
    if (!actor) throw new Invalid('Your account cannot be used to sign in');
    return finishLogin(current, request, reply, actor, details, actor.authLevel ?? 'password');
  }

  return { finishLogin, signedIn };
}

/**
 * The provider for the current keys, and its endpoints answering its own requests under MOUNT.
 * It renders a few pages itself (errors, signing out): it is handed Flagstone's layout, with the
 * nonce the security headers of this very request allow.
 */
async function mountedProvider(app: FastifyInstance, { identity, settings }: ProviderOptions) {
  const cookieKeys = [await identity.sharedSecret('oidc-cookie')];
  const replies = new WeakMap<IncomingMessage, FastifyReply>();
  const pages = (req: IncomingMessage, template: string, context: Record<string, unknown>) =>
    app.view(template, {
      ...context,
      cspNonce: replies.get(req)?.cspNonce?.script,
      csrfToken: '',
      actor: null,
      currentPath: '',
    });
  const provider = currentProvider({ identity, settings, cookieKeys, pages });

  async function endpoints(scope: FastifyInstance) {
    // oidc-provider reads the bodies of its own requests.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const handle = async (request: FastifyRequest, reply: FastifyReply) => {
      const current = await provider();
      replies.set(request.raw, reply);
      reply.raw.setHeader('x-request-id', request.id);
      reply.hijack();
      await current.callback()(request.raw, reply.raw);
    };
    scope.all(`${MOUNT}/*`, handle);
    scope.get('/.well-known/openid-configuration', handle);
  }
  return { provider, endpoints };
}

/**
 * The provider in the contexts of web: its own endpoints (before any second factor, as signing
 * in to a service goes through them), the pages of its interactions (signing in, consent), who
 * is calling on the API, and the administrators' pages of relying parties.
 */
export async function openIdProvider(app: FastifyInstance, { contexts, identity, settings }: OpenIdOptions) {
  const { provider, endpoints } = await mountedProvider(app, { identity, settings });
  await app.register(contexts.openId(endpoints));
  await app.register(contexts.signIn(interactionPages), { provider, identity, settings });
  await app.register(contexts.api(callerRoutes));
  await app.register(contexts.pages(clientPages), { identity });
}

/** The pages of the provider's interactions: signing in (or on, with the session) and consent. */
async function interactionPages(
  app: FastifyInstance,
  { provider, identity, settings }: ProviderOptions & { provider: () => Promise<Provider> },
) {
  const { finishLogin, signedIn } = interactionLogins({ identity, settings });

  app.get<{ Params: { uid: string } }>('/interaction/:uid', async (request, reply) => {
    const current = await provider();
    const details = await interactionDetails(current, request, reply);
    const client = await current.Client.find(String(details.params.client_id));
    const clientName = client?.clientName ?? 'the service';
    if (details.prompt.name === 'login') {
      const forced = details.prompt.reasons.some((r) => r === 'login_prompt' || r === 'max_age');
      if (request.actor && !forced) {
        return finishLogin(current, request, reply, request.actor, details, 'session');
      }
      return signInPage(reply, {}, {}, 200, {
        action: `/interaction/${details.uid}/sign-in`,
        clientName,
        upstreams: await upstreamLinks(identity, details.uid),
        passkeyNext: `/interaction/${details.uid}`,
      });
    }
    const asked = askedFor(details);
    return reply.page('oidc-consent.njk', {
      title: `Allow ${clientName} to use your account`,
      clientName,
      uid: details.uid,
      asked: asked.map((s) => scopeDescriptions[s] ?? s),
    });
  });

  app.post<{ Params: { uid: string }; Body: SignInBody }>(
    '/interaction/:uid/sign-in',
    { config: signInRateLimit },
    async (request, reply) => {
      const current = await provider();
      const details = await interactionDetails(current, request, reply);
      const client = await current.Client.find(String(details.params.client_id));
      const extra = {
        action: `/interaction/${details.uid}/sign-in`,
        codeAction: `/interaction/${details.uid}/code`,
        clientName: client?.clientName,
      };
      const sessionId = await signInFromForm(identity, request, reply, extra);
      if (!sessionId) return reply;
      return signedIn(current, request, reply, sessionId, details);
    },
  );

  app.post<{ Params: { uid: string }; Body: { code?: string } }>(
    '/interaction/:uid/code',
    { config: signInRateLimit },
    async (request, reply) => {
      const current = await provider();
      const details = await interactionDetails(current, request, reply);
      const client = await current.Client.find(String(details.params.client_id));
      const extra = { codeAction: `/interaction/${details.uid}/code`, clientName: client?.clientName };
      const sessionId = await codeFromForm(identity, request, reply, extra);
      if (!sessionId) return reply;
      return signedIn(current, request, reply, sessionId, details);
    },
  );

  app.post<{ Params: { uid: string }; Body: { decision?: string } }>(
    '/interaction/:uid/consent',
    async (request, reply) => {
      const current = await provider();
      const details = await interactionDetails(current, request, reply);
      if (details.prompt.name !== 'consent' || !details.session?.accountId) {
        throw new Invalid('Your sign-in has timed out. Go back to the service you were using and try again.');
      }
      const actor = await identity.actorById(details.session.accountId);
      if (!actor) throw new Invalid('Your account cannot be used to sign in');
      const clientId = String(details.params.client_id);
      const allowed = request.body?.decision === 'allow';
      await identity.recordConsent(actor, clientId, allowed, askedFor(details));
      const result = allowed
        ? { consent: await grantConsent(current, details) }
        : {
            error: 'access_denied',
            error_description: 'The person did not allow the service to use their account',
          };
      const to = await current.interactionResult(request.raw, reply.raw, result, {
        mergeWithLastSubmission: allowed,
      });
      return reply.redirect(to, 303);
    },
  );
}
