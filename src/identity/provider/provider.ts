// The place's OpenID Connect provider (oidc-provider), configured for Flagstone: its storage
// and signing keys in PostgreSQL, interactions on Flagstone's own GOV.UK pages, and JWT access
// tokens for Flagstone's API as a resource server.
import type { IncomingMessage } from 'node:http';
import type { JWK } from 'jose';
import Provider, {
  type Configuration,
  errors,
  interactionPolicy,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { Actor } from '../../platform/index.ts';
import { type IdentityConfidence, SESSION_COOKIE } from '../accounts/index.ts';
import type { IdentitySettings } from '../settings.ts';
import { API_SCOPES, PERSON_SCOPES } from './clients.ts';
import type { ProviderIdentity } from './service.ts';
import { SIGNED_TOKEN_TTL_SECONDS, SIGNING_ALG } from './signing-keys.ts';

export const MOUNT = '/oidc';
export const ACCESS_TOKEN_TTL_SECONDS = 10 * 60;
const SESSION_TTL_SECONDS = 12 * 60 * 60;

/** Renders one of Flagstone's pages for the provider (errors, signing out). */
export type ProviderPages = (
  req: IncomingMessage,
  template: string,
  context: Record<string, unknown>,
) => Promise<string>;

export interface ProviderDeps {
  identity: ProviderIdentity;
  settings: IdentitySettings;
  cookieKeys: string[];
  pages: ProviderPages;
}

/** What the ID token and userinfo say about a person, by scope. */
export function personClaims(actor: Actor) {
  const organisations = new Map<string, { ref: string; name: string; roles: string[] }>();
  for (const r of actor.roles) {
    const entry = organisations.get(r.organisation) ?? {
      ref: r.organisation,
      name: r.organisationName,
      roles: [],
    };
    entry.roles.push(r.role);
    organisations.set(r.organisation, entry);
  }
  return {
    sub: actor.accountId,
    name: actor.name,
    email: actor.email,
    account_kind: actor.kind,
    organisations: [...organisations.values()],
  };
}

/**
 * The page's Content-Security-Policy with its form-action widened to one more origin: a form
 * whose answer redirects to a relying party (sign in, consent, sign out) is otherwise blocked
 * by the browser at that redirect. Only redirect addresses registered for the client get here.
 */
export function allowFormsToReach(csp: string, uri: unknown): string {
  const origin = typeof uri === 'string' ? URL.parse(uri)?.origin : undefined;
  if (!csp || !origin || origin === 'null') return csp;
  return csp.replace(/form-action ([^;]*)/, (_all, sources: string) => `form-action ${sources} ${origin}`);
}

/** Authentication levels, as the ID token's acr says them; amr names the methods (RFC 8176). */
export const ACR_PASSWORD = 'urn:flagstone:loa:password';
export const ACR_SECOND_FACTOR = 'urn:flagstone:loa:second-factor';

/** The methods (RFC 8176) of each way of signing in; an upstream's own are behind it. */
function amrOf(method: string | undefined): string[] | undefined {
  if (method === 'password') return ['pwd'];
  if (method === 'password+totp') return ['pwd', 'otp', 'mfa'];
  if (method === 'passkey') return ['hwk', 'mfa'];
  return method?.endsWith('+mfa') ? ['mfa'] : undefined;
}

/** What the provider is told of a sign-in: the account, its level and methods, and the identity confidence. */
export function loginResult(actor: Actor) {
  const second = actor.authLevel === 'second_factor';
  const amr = amrOf(actor.authMethod);
  return {
    login: {
      accountId: actor.accountId,
      acr: second ? ACR_SECOND_FACTOR : ACR_PASSWORD,
      ...(amr ? { amr } : {}),
    },
    identityConfidence: actor.identityConfidence ?? null,
  };
}

const PROOFING = { none: 'P0', low: 'P1', medium: 'P2' } as const;

/**
 * The vector of trust (RFC 8485, GOV.UK One Login's vocabulary) of a sign-in: the credential
 * (Cl a password, Cl.Cm with a second factor) and the identity confidence an upstream asserted.
 */
export function vectorOfTrust(acr: unknown, confidence: keyof typeof PROOFING | undefined): string {
  return `${acr === ACR_SECOND_FACTOR ? 'Cl.Cm' : 'Cl'}.${PROOFING[confidence ?? 'none']}`;
}

/** Whether a relying party's `acr_values` accept only the second-factor level (a list means "any of"). */
export function asksSecondFactor(acrValues: unknown): boolean {
  const asked = String(acrValues ?? '')
    .split(' ')
    .filter(Boolean);
  return asked.length > 0 && !asked.includes(ACR_PASSWORD);
}

/**
 * The provider's prompts, with one more reason to ask the person to sign in: the service asks
 * for a second factor and the session has none (Flagstone's pages then step up).
 */
function prompts() {
  const { base, Check } = interactionPolicy;
  const policy = base();
  policy
    .get('login')
    ?.checks.add(
      new Check('acr_values', 'The service asks for a second factor', (ctx) =>
        asksSecondFactor(ctx.oidc.params?.acr_values) && ctx.oidc.acr !== ACR_SECOND_FACTOR
          ? Check.REQUEST_PROMPT
          : Check.NO_NEED_TO_PROMPT,
      ),
    );
  return policy;
}

const wantsApi = (scope: unknown) =>
  String(scope ?? '')
    .split(' ')
    .some((s) => (API_SCOPES as readonly string[]).includes(s));

type Render = (ctx: KoaContextWithOIDC, template: string, context: Record<string, unknown>) => Promise<void>;

/** Answers the provider's own pages (errors, signing out) with Flagstone's. */
const renderWith =
  (pages: ProviderPages): Render =>
  async (ctx, template, context) => {
    ctx.type = 'html';
    ctx.body = await pages(ctx.req, template, context);
  };

/** The provider's cookies, under Flagstone's names and signed with its keys. */
const cookies = (keys: string[]): Configuration['cookies'] => ({
  keys,
  names: {
    session: 'flagstone_oidc_session',
    interaction: 'flagstone_oidc_interaction',
    resume: 'flagstone_oidc_resume',
  },
  long: { httpOnly: true, sameSite: 'lax' },
  short: { httpOnly: true, sameSite: 'lax' },
});

/** Where the provider answers: everything under MOUNT. */
const ROUTES: Configuration['routes'] = {
  authorization: `${MOUNT}/auth`,
  end_session: `${MOUNT}/session/end`,
  jwks: `${MOUNT}/jwks`,
  token: `${MOUNT}/token`,
  userinfo: `${MOUNT}/me`,
  revocation: `${MOUNT}/token/revocation`,
  introspection: `${MOUNT}/token/introspection`,
  pushed_authorization_request: `${MOUNT}/request`,
  backchannel_authentication: `${MOUNT}/backchannel`,
  code_verification: `${MOUNT}/device`,
  device_authorization: `${MOUNT}/device/auth`,
  registration: `${MOUNT}/reg`,
  challenge: `${MOUNT}/challenge`,
  credential: `${MOUNT}/credential`,
};

/** What a relying party may ask for and learns of the person, by scope. */
const CLAIMS: Pick<Configuration, 'scopes' | 'acrValues' | 'claims' | 'conformIdTokenClaims'> = {
  // The API's scopes are listed too, so that each client's allowed scopes limit them as well.
  scopes: [...PERSON_SCOPES, ...API_SCOPES],
  acrValues: [ACR_PASSWORD, ACR_SECOND_FACTOR],
  claims: {
    // How the person signed in goes to every relying party: it decides what each lets them do.
    openid: ['sub', 'acr', 'amr', 'vot', 'identity_confidence'],
    profile: ['name', 'account_kind'],
    email: ['email'],
    organisations: ['organisations'],
    auth_time: null,
    sid: null,
    iss: null,
  },
  // Profile claims go in the ID token too: the access token is for Flagstone's API, not userinfo.
  conformIdTokenClaims: false,
};

/** What a client may be: the code flow with PKCE always, and a browser app only from its own origin. */
const CLIENTS: Pick<
  Configuration,
  'clientDefaults' | 'clientAuthMethods' | 'responseTypes' | 'pkce' | 'clientBasedCORS'
> = {
  clientDefaults: {
    grant_types: ['authorization_code'],
    id_token_signed_response_alg: SIGNING_ALG,
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  },
  clientAuthMethods: ['client_secret_basic', 'private_key_jwt', 'none'],
  responseTypes: ['code'],
  pkce: { required: () => true },
  clientBasedCORS: (_ctx, origin, client) =>
    client.clientAuthMethod === 'none' &&
    (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
};

/** The person a token is for, with how they signed in and how sure an upstream was of who they are. */
const findAccount =
  (identity: ProviderIdentity): NonNullable<Configuration['findAccount']> =>
  async (_ctx, sub, token) => {
    const actor = await identity.actorById(sub);
    if (!actor) return undefined;
    // The session behind the token says how sure an upstream was of who the person is.
    const sessionUid = (token as { sessionUid?: string } | undefined)?.sessionUid;
    const confidence = sessionUid ? await identity.sessionConfidence(sessionUid) : undefined;
    const trust = {
      vot: vectorOfTrust((token as { acr?: string } | undefined)?.acr, confidence),
      ...(confidence ? { identity_confidence: confidence } : {}),
    };
    return { accountId: actor.accountId, claims: () => ({ ...personClaims(actor), ...trust }) };
  };

/** Signing out of a relying party, on Flagstone's pages. */
const rpInitiatedLogout = (render: Render): NonNullable<Configuration['features']>['rpInitiatedLogout'] => ({
  enabled: true,
  async logoutSource(ctx, form) {
    const csp = ctx.response.get('content-security-policy');
    ctx.set('content-security-policy', allowFormsToReach(csp, ctx.oidc.params?.post_logout_redirect_uri));
    await render(ctx, 'oidc-sign-out.njk', { form, clientName: ctx.oidc.client?.clientName });
  },
  postLogoutSuccessSource: (ctx) =>
    render(ctx, 'oidc-signed-out.njk', { clientName: ctx.oidc.client?.clientName }),
});

/** Access tokens for Flagstone's API (the one resource server): JWTs with the API's scopes. */
const resourceIndicators = (
  settings: IdentitySettings,
): NonNullable<Configuration['features']>['resourceIndicators'] => ({
  enabled: true,
  async defaultResource(ctx, _client, oneOf) {
    if (oneOf) return oneOf;
    const params = ctx.oidc.params ?? {};
    // A sign-in (openid) that names no resource gets one opaque token for userinfo and the API
    // alike; the API's own JWT is for machines, and for clients that name it (RFC 8707).
    if (params.grant_type === 'client_credentials') return settings.apiResource;
    if (wantsApi(params.scope) && !String(params.scope).split(' ').includes('openid'))
      return settings.apiResource;
    return undefined as unknown as string;
  },
  useGrantedResource: () => true,
  async getResourceServerInfo(_ctx, indicator) {
    if (indicator !== settings.apiResource) throw new errors.InvalidTarget();
    return {
      scope: API_SCOPES.join(' '),
      audience: settings.apiResource,
      accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: SIGNING_ALG } },
    };
  },
});

/** Which of oidc-provider's features are on: machine clients, revocation, userinfo, signing out, the API. */
const features = (settings: IdentitySettings, render: Render): Configuration['features'] => ({
  devInteractions: { enabled: false },
  clientCredentials: { enabled: true },
  revocation: { enabled: true },
  introspection: { enabled: false },
  userinfo: { enabled: true },
  rpInitiatedLogout: rpInitiatedLogout(render),
  resourceIndicators: resourceIndicators(settings),
});

/** Refresh tokens for the services people sign in to, never for machines; each used once. */
const REFRESH_TOKENS: Pick<Configuration, 'issueRefreshToken' | 'rotateRefreshToken'> = {
  issueRefreshToken: async (_ctx, client, code) =>
    client.grantTypeAllowed('refresh_token') && code.scopes.has('openid'),
  // Every use of a refresh token gives a new one; reusing the old one is refused.
  rotateRefreshToken: () => true,
};

/** How long what the provider issues and keeps lasts, in seconds. */
const TTL: Configuration['ttl'] = {
  AccessToken: ACCESS_TOKEN_TTL_SECONDS,
  AuthorizationCode: 60,
  ClientCredentials: ACCESS_TOKEN_TTL_SECONDS,
  IdToken: SIGNED_TOKEN_TTL_SECONDS,
  Interaction: 60 * 60,
  Session: SESSION_TTL_SECONDS,
  Grant: 14 * 24 * 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
  DeviceCode: 10 * 60,
  BackchannelAuthenticationRequest: 10 * 60,
  PreAuthorizedCode: 10 * 60,
};

function configuration(deps: ProviderDeps, jwks: JWK[]): Configuration {
  const { settings, identity } = deps;
  const render = renderWith(deps.pages);
  return {
    adapter: identity.providerAdapter(),
    jwks: { keys: jwks as NonNullable<Configuration['jwks']>['keys'] },
    cookies: cookies(deps.cookieKeys),
    routes: ROUTES,
    ...CLAIMS,
    ...CLIENTS,
    findAccount: findAccount(identity),
    interactions: { policy: prompts(), url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: features(settings, render),
    ...REFRESH_TOKENS,
    ttl: TTL,
    async renderError(ctx, out) {
      await render(ctx, 'oidc-error.njk', {
        title: 'There is a problem',
        description: out.error_description ?? 'The sign-in request was not valid.',
      });
    },
  };
}

const GRANT_NOT_ALLOWED = 'requested grant type is not allowed for this client';

/** A provider built with these signing keys; rebuilt by the caller when the keys change. */
export function buildProvider(deps: ProviderDeps, jwks: JWK[]): Provider {
  const provider = new Provider(deps.settings.issuer, configuration(deps, jwks));
  provider.proxy = deps.settings.trustProxy;
  // RFC 6749 §5.2: a grant type the client is not allowed is `unauthorized_client`, which
  // oidc-provider reports as `invalid_request`.
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { error?: string; error_description?: string } | undefined;
    if (ctx.oidc?.route === 'token' && body?.error_description === GRANT_NOT_ALLOWED)
      ctx.body = { ...body, error: 'unauthorized_client' };
  });
  // Signing out of a relying party with "sign me out everywhere" ends the Flagstone session too.
  provider.use(async (ctx, next) => {
    await next();
    // A sign-in has just been handed to the provider's session: remember its identity confidence.
    const result = ctx.oidc?.result as
      | { login?: unknown; identityConfidence?: IdentityConfidence | null }
      | undefined;
    if (ctx.oidc?.route === 'resume' && result?.login && ctx.oidc.session?.uid) {
      await deps.identity.rememberSessionConfidence(
        ctx.oidc.session.uid,
        result.identityConfidence ?? null,
        SESSION_TTL_SECONDS,
      );
    }
    if (ctx.oidc?.route === 'end_session_confirm' && ctx.status === 303 && ctx.oidc.params?.logout) {
      await deps.identity.signOut(ctx.cookies.get(SESSION_COOKIE));
      ctx.cookies.set(SESSION_COOKIE, null, { path: '/' });
    }
  });
  return provider;
}
