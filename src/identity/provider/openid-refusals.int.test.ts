// Each bad request named in the issue is refused as the specifications require, granting nothing.
import { generateKeyPair, importJWK, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../../../test/identity/http-browser.ts';
import {
  authorizationRequest,
  callApi,
  callback,
  listeningProvider,
  relyingParty,
  signInThrough,
  tokensFor,
} from '../../../test/identity/relying-party.ts';
import { citizen, type TestContext } from '../../../test/support.ts';

let t: TestContext & { issuer: string };

beforeAll(async () => {
  t = await listeningProvider();
});
afterAll(() => t?.close());

async function accessToken(claims: Record<string, unknown>, key?: CryptoKey) {
  const [jwk] = await t.services.identity.keys.privateKeys();
  const signingKey = key ?? ((await importJWK(jwk ?? {}, 'RS256')) as CryptoKey);
  return new SignJWT({ client_id: 'x', scope: 'api:read', ...claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: String(jwk?.kid) })
    .setIssuer(t.issuer)
    .setAudience(`${t.issuer}/api`)
    .setIssuedAt()
    .sign(signingKey);
}

describe('the provider refuses', () => {
  it('an unregistered redirect URI, with an error page and no redirect', async () => {
    const { config } = await relyingParty(t);
    const { url } = await authorizationRequest(config, { redirect_uri: 'http://127.0.0.1:9/elsewhere' });
    const page = await new TestBrowser().follow(url.href, t.issuer);
    expect(page.status).toBe(400);
    expect(page.location).toBeUndefined();
    expect(page.body).toContain('redirect_uri did not match');
  });

  it('an authorization request without a PKCE challenge', async () => {
    const { config } = await relyingParty(t);
    const { url } = await authorizationRequest(config);
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const step = await new TestBrowser().follow(url.href, t.issuer);
    const back = new URL(step.location ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(callback);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('a code exchanged with the wrong PKCE verifier, or none', async () => {
    const { config } = await relyingParty(t);
    const { back, state } = await signInThrough(t, config, citizen());
    await expect(
      oidc.authorizationCodeGrant(config, new URL(back.location ?? ''), {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });

    const second = await signInThrough(t, config, citizen());
    const code = new URL(second.back.location ?? '').searchParams.get('code') ?? '';
    const { clientSecret, clientId } = await relyingPartySecret(config);
    const response = await fetch(`${t.issuer}/oidc/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: callback,
      }).toString(),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('a reused authorization code, and revokes what the first use gave', async () => {
    const { config } = await relyingParty(t);
    const { back, verifier, state } = await signInThrough(t, config, citizen());
    const options = { pkceCodeVerifier: verifier, expectedState: state };
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location ?? ''), options);
    await expect(
      oidc.authorizationCodeGrant(config, new URL(back.location ?? ''), options),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(oidc.refreshTokenGrant(config, String(tokens.refresh_token))).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('scopes a client may not ask for', async () => {
    const { config } = await relyingParty(t, { scopes: ['openid', 'profile'] });
    const { url } = await authorizationRequest(config, { scope: 'openid profile api:read' });
    const step = await new TestBrowser().follow(url.href, t.issuer);
    expect(new URL(step.location ?? '').searchParams.get('error')).toBe('invalid_scope');

    const machine = await relyingParty(t, {
      name: 'Reader',
      machineFor: 'northmoor-dc',
      redirectUris: [],
      scopes: ['api:read'],
    });
    await expect(oidc.clientCredentialsGrant(machine.config, { scope: 'api:write' })).rejects.toMatchObject({
      error: 'invalid_scope',
    });
  });

  it('a grant the client is not allowed, as unauthorized_client (RFC 6749 §5.2)', async () => {
    const { config } = await relyingParty(t);
    await expect(oidc.clientCredentialsGrant(config, { scope: 'api:read' })).rejects.toMatchObject({
      error: 'unauthorized_client',
      status: 400,
    });
  });

  it('nothing to the relying party when the person does not allow it', async () => {
    const { config } = await relyingParty(t);
    const { url } = await authorizationRequest(config);
    const browser = new TestBrowser();
    const signIn = await browser.follow(url.href, t.issuer);
    const consent = await browser.submit(signIn, t.issuer, {
      email: citizen().email,
      password: citizen().password,
    });
    const back = await browser.submit(consent, t.issuer, { decision: 'deny' });
    const to = new URL(back.location ?? '');
    expect(to.searchParams.get('error')).toBe('access_denied');
    expect(to.searchParams.get('code')).toBeNull();
  });

  it('everything for a disabled client: sign-in, refresh and its access tokens', async () => {
    const { config, clientId } = await relyingParty(t);
    const { tokens } = await tokensFor(t, config, citizen());
    expect((await callApi(t, '/api/v1/me', tokens.access_token)).status).toBe(200);
    await t.services.identity.clients.setDisabled(null, clientId, true);

    const api = await callApi(t, '/api/v1/me', tokens.access_token);
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toContain('invalid_token');
    await expect(oidc.refreshTokenGrant(config, String(tokens.refresh_token))).rejects.toMatchObject({
      status: 401,
      cause: [{ parameters: { error: 'invalid_client' } }],
    });
    const { url } = await authorizationRequest(config);
    const page = await new TestBrowser().follow(url.href, t.issuer);
    expect(page.status).toBe(400);
    expect(page.location).toBeUndefined();
  });
});

describe('the API refuses', () => {
  it('an expired access token, though the same token in date is accepted', async () => {
    const { clientId } = await relyingParty(t);
    const sub = (await t.services.identity.actorByEmail(citizen().email))?.accountId ?? '';
    const now = Math.floor(Date.now() / 1000);
    const fresh = await accessToken({ sub, client_id: clientId, exp: now + 60 });
    expect((await callApi(t, '/api/v1/me', fresh)).status).toBe(200);
    const expired = await accessToken({ sub, client_id: clientId, exp: now - 60 });
    const response = await callApi(t, '/api/v1/me', expired);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('a tampered access token, or one Flagstone did not sign', async () => {
    const { config } = await relyingParty(t);
    const { tokens } = await tokensFor(t, config, citizen(), { forApi: true });
    const [header, payload, signature] = tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const widened = Buffer.from(JSON.stringify({ ...claims, scope: 'api:read api:write' })).toString(
      'base64url',
    );
    expect((await callApi(t, '/api/v1/me', `${header}.${widened}.${signature}`)).status).toBe(401);

    const { privateKey } = await generateKeyPair('RS256');
    const forged = await accessToken(
      { sub: claims.sub, client_id: claims.client_id, exp: claims.exp },
      privateKey,
    );
    expect((await callApi(t, '/api/v1/me', forged)).status).toBe(401);
    expect((await callApi(t, '/api/v1/me', 'not-a-token')).status).toBe(401);
  });

  it('the access token of a sign-in once it is revoked, at userinfo and the API alike', async () => {
    const { config } = await relyingParty(t);
    const { tokens } = await tokensFor(t, config, citizen());
    expect((await callApi(t, '/api/v1/me', tokens.access_token)).status).toBe(200);
    await oidc.tokenRevocation(config, tokens.access_token);
    const response = await callApi(t, '/api/v1/me', tokens.access_token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    await expect(oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck)).rejects.toThrow();
  });

  it('a change with a token that only allows reading, and never falls back to the session', async () => {
    const { config } = await relyingParty(t);
    const { tokens } = await tokensFor(t, config, citizen());
    const response = await callApi(t, '/api/v1/organisations', tokens.access_token, 'POST');
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", scope="api:write"',
    );
  });
});

async function relyingPartySecret(config: oidc.Configuration) {
  const clientId = config.clientMetadata().client_id;
  const client = await t.services.identity.clients.get(clientId);
  return { clientId, clientSecret: client.client_secret ?? '' };
}
