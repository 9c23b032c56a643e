import { createServer } from 'node:net';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoAccount, type TestContext, testApp } from '../../test/support.ts';
import { TestBrowser } from './test-browser.ts';

let t: TestContext;
let issuer: string;
const callback = 'http://127.0.0.1:9/callback'; // never reached: the test reads the redirect

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  vi.stubEnv('FLAGSTONE_URL', issuer);
  t = await testApp();
  await t.app.listen({ host: '127.0.0.1', port });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await t?.close();
});

async function relyingParty(options: { public?: boolean; scopes?: string[] } = {}) {
  const { clientId, clientSecret } = await t.services.identity.clients.add({
    name: 'Fellshire Schools Portal',
    redirectUris: [callback],
    postLogoutRedirectUris: ['http://127.0.0.1:9/signed-out'],
    public: options.public,
    scopes: options.scopes ?? ['openid', 'profile', 'email', 'organisations', 'api:read'],
  });
  const config = await oidc.discovery(
    new URL(issuer),
    clientId,
    { redirect_uris: [callback], response_types: ['code'] },
    clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
    { execute: [oidc.allowInsecureRequests] },
  );
  return { clientId, clientSecret, config };
}

/** Walks the sign-in and consent pages as a person would; returns where Flagstone sends them back. */
async function signInThrough(
  config: oidc.Configuration,
  account: { email: string; password: string },
  params: Record<string, string> = {},
) {
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
  const browser = new TestBrowser();
  const signInPage = await browser.follow(url.href, issuer);
  expect(signInPage.status).toBe(200);
  expect(signInPage.body).toContain('to continue to Fellshire Schools Portal');
  const consent = await browser.submit(signInPage, issuer, {
    email: account.email,
    password: account.password,
  });
  expect(consent.body).toContain('Allow Fellshire Schools Portal to use your account');
  const back = await browser.submit(consent, issuer, { decision: 'allow' });
  return { back, verifier, state, browser };
}

describe('Flagstone as an OpenID Connect provider', () => {
  it('publishes discovery and keys, requiring PKCE with S256', async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    const document = (await response.json()) as Record<string, unknown>;
    expect(document.issuer).toBe(issuer);
    expect(document.code_challenge_methods_supported).toEqual(['S256']);
    expect(document.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
    );
    expect(document.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'private_key_jwt', 'none']),
    );
    const jwks = (await (await fetch(String(document.jwks_uri))).json()) as { keys: object[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('signs a member of staff in to a relying party with code and PKCE, and the API knows them', async () => {
    const { config, clientId } = await relyingParty();
    const manager = demoAccount((c) => c.roles === 'manager at ashby-vale-dc');
    const { back, verifier, state } = await signInThrough(config, manager);
    expect(back.status).toBe(303);
    expect(back.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);

    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location ?? ''), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const claims = tokens.claims();
    expect(claims?.iss).toBe(issuer);
    expect(claims?.aud).toBe(clientId);
    expect(claims?.name).toBe(manager.name);
    expect(claims?.organisations).toEqual([
      { ref: 'ashby-vale-dc', name: 'Ashby Vale District Council', roles: ['manager'] },
    ]);
    expect(tokens.refresh_token).toBeTruthy();

    const me = await oidc.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${issuer}/api/v1/me`),
      'GET',
    );
    expect(me.status).toBe(200);
    const caller = await me.json();
    expect(caller).toMatchObject({
      accountId: claims?.sub,
      name: manager.name,
      clientId,
      scopes: ['api:read'],
    });
  });
});
