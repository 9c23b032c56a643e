// For tests only: Flagstone listening on loopback as an OpenID Connect provider, and a real
// relying party (openid-client) signing people in through it.
import * as oidc from 'openid-client';
import { expect } from 'vitest';
import type { NewClient } from '../../src/identity/index.ts';
import { freePort } from '../ports.ts';
import {
  appAt,
  nextTotpCode,
  rememberAuthenticator,
  secretOnPage,
  type TestContext,
  testApp,
} from '../support.ts';
import { type Step, TestBrowser } from './http-browser.ts';

export const callback = 'http://127.0.0.1:9/callback'; // never reached: tests read the redirect
export const signedOut = 'http://127.0.0.1:9/signed-out';

/** Flagstone listening on loopback, its issuer being the address it listens on. */
export async function listeningProvider(
  env: Record<string, string> = {},
): Promise<TestContext & { issuer: string }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const t = await testApp({ FLAGSTONE_URL: issuer, ...env });
  await t.app.listen({ host: '127.0.0.1', port });
  return {
    ...t,
    issuer,
    close: () => t.close(),
  };
}

export async function relyingParty(
  t: TestContext & { issuer: string },
  client: Partial<NewClient> & { privateKey?: CryptoKey } = {},
) {
  const { clientId, clientSecret } = await t.services.identity.clients.add({
    name: 'Fellshire Schools Portal',
    redirectUris: [callback],
    postLogoutRedirectUris: [signedOut],
    scopes: ['openid', 'profile', 'email', 'organisations', 'api:read'],
    ...client,
  });
  const auth = clientSecret
    ? oidc.ClientSecretBasic(clientSecret)
    : client.privateKey
      ? oidc.PrivateKeyJwt(client.privateKey)
      : oidc.None();
  const config = await oidc.discovery(
    new URL(t.issuer),
    clientId,
    client.machineFor ? {} : { redirect_uris: [callback], response_types: ['code'] },
    auth,
    { execute: [oidc.allowInsecureRequests] },
  );
  return { clientId, clientSecret, config };
}

/** The authorization request a relying party makes, with PKCE and state. */
export async function authorizationRequest(config: oidc.Configuration, params: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: callback,
    scope: 'openid profile organisations api:read',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...params,
  });
  return { url, verifier, state };
}

/** Walks the sign-in and consent pages as a person would; returns where Flagstone sends them back. */
export async function signInThrough(
  t: { issuer: string },
  config: oidc.Configuration,
  account: { email: string; password: string },
  params: Record<string, string> = {},
) {
  const { url, verifier, state } = await authorizationRequest(config, params);
  const browser = new TestBrowser();
  const signInPage = await browser.follow(url.href, t.issuer);
  expect(signInPage.body).toContain('Sign in');
  let consent = await browser.submit(signInPage, t.issuer, {
    email: account.email,
    password: account.password,
  });
  consent = await secondFactorIfAsked(browser, t.issuer, consent, account.email);
  expect(consent.body).toContain('to use your account');
  const back = await browser.submit(consent, t.issuer, { decision: 'allow' });
  return { back, verifier, state, browser };
}

/** Staff enter a code from their authenticator app after the password, setting one up the first time. */
export async function secondFactorIfAsked(browser: TestBrowser, origin: string, page: Step, email: string) {
  const app = appAt(origin);
  const secret = secretOnPage(page.body);
  if (secret) {
    rememberAuthenticator(app, email, secret);
    return browser.submit(page, origin, { code: await nextTotpCode(app, email) });
  }
  if (page.body.includes('Enter the code from your authenticator app')) {
    return browser.submit(page, origin, { code: await nextTotpCode(app, email) });
  }
  return page;
}

/** Signs in and exchanges the code: the tokens a relying party holds afterwards. */
export async function tokensFor(
  t: { issuer: string },
  config: oidc.Configuration,
  account: { email: string; password: string },
  /** The API's own JWT access token (RFC 8707 resource), rather than the opaque one userinfo also takes. */
  { forApi = false } = {},
) {
  const resource = forApi ? { resource: `${t.issuer}/api` } : undefined;
  const { back, verifier, state, browser } = await signInThrough(t, config, account, resource);
  const tokens = await oidc.authorizationCodeGrant(
    config,
    new URL(back.location ?? ''),
    { pkceCodeVerifier: verifier, expectedState: state },
    resource,
  );
  return { tokens, browser };
}

export async function callApi(t: { issuer: string }, path: string, token: string, method = 'GET') {
  return fetch(`${t.issuer}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: method === 'GET' ? undefined : '{}',
  });
}
