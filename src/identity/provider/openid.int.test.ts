import { createRemoteJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizationRequest,
  callApi,
  listeningProvider,
  relyingParty,
  secondFactorIfAsked,
  signedOut,
  signInThrough,
  tokensFor,
} from '../../../test/identity/relying-party.ts';
import { citizen, demoAccount, type TestContext } from '../../../test/support.ts';
import { ACR_SECOND_FACTOR } from './provider.ts';

let t: TestContext & { issuer: string };

beforeAll(async () => {
  t = await listeningProvider();
});
afterAll(() => t?.close());

describe('Flagstone as an OpenID Connect provider', () => {
  it('publishes discovery and keys, requiring PKCE with S256', async () => {
    const response = await fetch(`${t.issuer}/.well-known/openid-configuration`);
    const document = (await response.json()) as Record<string, unknown>;
    expect(document.issuer).toBe(t.issuer);
    expect(document.code_challenge_methods_supported).toEqual(['S256']);
    expect(document.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
    );
    expect(document.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'private_key_jwt', 'none']),
    );
    expect(document.end_session_endpoint).toBe(`${t.issuer}/oidc/session/end`);
    const jwks = (await (await fetch(String(document.jwks_uri))).json()) as { keys: object[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('signs a member of staff in to a relying party with code and PKCE, and the API knows them', async () => {
    const { config, clientId } = await relyingParty(t);
    const manager = demoAccount((c) => c.roles === 'manager at ashby-vale-dc');
    const { back, verifier, state } = await signInThrough(t, config, manager);
    expect(back.status).toBe(303);
    expect(back.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);

    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location ?? ''), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const claims = tokens.claims();
    expect(claims?.iss).toBe(t.issuer);
    expect(claims?.aud).toBe(clientId);
    expect(claims?.name).toBe(manager.name);
    expect(claims?.organisations).toEqual([
      { ref: 'ashby-vale-dc', name: 'Ashby Vale District Council', roles: ['manager'] },
    ]);
    expect(tokens.refresh_token).toMatch(/^[\w-]{20,}$/);

    const me = await oidc.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${t.issuer}/api/v1/me`),
      'GET',
    );
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      accountId: claims?.sub,
      name: manager.name,
      clientId,
      scopes: ['api:read'],
    });
    // The same access token at userinfo: the API's scopes do not bar it.
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, String(claims?.sub));
    expect(userinfo).toMatchObject({ sub: claims?.sub, name: manager.name });
  });

  it('binds a token to the API alone when the client names the API as its resource (RFC 8707)', async () => {
    const { config } = await relyingParty(t);
    const manager = demoAccount((c) => c.roles === 'manager at ashby-vale-dc');
    const resource = `${t.issuer}/api`;
    const { back, verifier, state } = await signInThrough(t, config, manager, { resource });
    const tokens = await oidc.authorizationCodeGrant(
      config,
      new URL(back.location ?? ''),
      { pkceCodeVerifier: verifier, expectedState: state },
      { resource },
    );
    expect(tokens.access_token.split('.')).toHaveLength(3);
    const me = await oidc.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${t.issuer}/api/v1/me`),
      'GET',
    );
    expect(me.status).toBe(200);
    await expect(oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck)).rejects.toThrow();
  });

  it('signs a citizen in to a public client (no secret), with their email only when asked for', async () => {
    const { config } = await relyingParty(t, { public: true, scopes: ['openid', 'profile', 'email'] });
    const { back, verifier, state } = await signInThrough(t, config, citizen(), { scope: 'openid email' });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location ?? ''), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const claims = tokens.claims();
    expect(claims?.email).toBe(citizen().email);
    expect(claims?.name).toBeUndefined();
  });

  it('does not ask for the password again when the person is already signed in to Flagstone', async () => {
    const first = await relyingParty(t);
    const { browser } = await tokensFor(t, first.config, citizen());
    const second = await relyingParty(t, { name: 'Fellshire Libraries' });
    const { url } = await authorizationRequest(second.config);
    const page = await browser.follow(url.href, t.issuer);
    expect(page.body).not.toContain('Password');
    expect(page.body).toContain('Allow Fellshire Libraries to use your account');
  });

  it('steps a person up to a second factor when a service asks for it with acr_values', async () => {
    const tom = demoAccount((c) => c.email === 'tom.price@example.com');
    const { browser } = await tokensFor(t, (await relyingParty(t)).config, tom);
    const { config } = await relyingParty(t, { name: 'Fellshire Care Records' });
    const { url, verifier, state } = await authorizationRequest(config, { acr_values: ACR_SECOND_FACTOR });
    // Signed in with a password alone, and no authenticator app yet: set one up first.
    const setUp = await browser.follow(url.href, t.issuer);
    expect(setUp.url).toMatch(/\/account\/second-factor\?next=%2Finteraction%2F/);
    const consent = await secondFactorIfAsked(browser, t.issuer, setUp, tom.email);
    expect(consent.body).toContain('Allow Fellshire Care Records to use your account');
    const back = await browser.submit(consent, t.issuer, { decision: 'allow' });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location ?? ''), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()).toMatchObject({ acr: ACR_SECOND_FACTOR, amr: ['pwd', 'otp', 'mfa'] });
  });

  it('does not step up again a session that has a second factor already', async () => {
    const tom = demoAccount((c) => c.email === 'tom.price@example.com'); // set up in the test above
    const { browser } = await tokensFor(t, (await relyingParty(t)).config, tom);
    const { config } = await relyingParty(t, { name: 'Fellshire Care Records' });
    const { url } = await authorizationRequest(config, { acr_values: ACR_SECOND_FACTOR });
    const consent = await browser.follow(url.href, t.issuer);
    expect(consent.body).toContain('Allow Fellshire Care Records to use your account');
  });

  it('rotates refresh tokens: each use gives a new one and the old one is refused', async () => {
    const { config } = await relyingParty(t);
    const { tokens } = await tokensFor(t, config, citizen());
    const first = String(tokens.refresh_token);
    const renewed = await oidc.refreshTokenGrant(config, first);
    expect(renewed.refresh_token).toMatch(/^[\w-]{20,}$/);
    expect(renewed.refresh_token).not.toBe(first);
    expect(renewed.claims()?.sub).toBe(tokens.claims()?.sub);
    await expect(oidc.refreshTokenGrant(config, first)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('gives a machine client (client secret) a token for its organisation with client_credentials', async () => {
    const { config, clientId } = await relyingParty(t, {
      name: 'Northmoor housing system',
      machineFor: 'northmoor-dc',
      redirectUris: [],
      scopes: ['api:read'],
    });
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'api:read' });
    const me = await callApi(t, '/api/v1/me', tokens.access_token);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      accountId: clientId,
      machine: true,
      clientId,
      roles: [{ organisation: 'northmoor-dc', role: 'staff' }],
    });
  });

  it('lets a machine client change a case of its organisation, recorded as the client', async () => {
    const { config, clientId } = await relyingParty(t, {
      name: 'Castlebridge highways system',
      machineFor: 'castlebridge-council',
      redirectUris: [],
      scopes: ['api:read', 'api:write'],
    });
    const created = await t.services.requests.submit({
      service: 'pothole',
      lat: 52.3,
      lon: -1.68,
      attributes: { size: 'small' },
    });
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'api:read api:write' });
    const changed = await fetch(`${t.issuer}/api/v1/cases/${created.id}/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'in_progress', reason: 'A crew is on its way' }),
    });
    expect(changed.status).toBe(204);
    const { rows } = await t.services.database.pool.query(
      'SELECT author_account_id, author_client_id, o.ref FROM case_updates u JOIN organisations o ON o.id = u.organisation_id WHERE case_id = $1',
      [created.id],
    );
    expect(rows).toEqual([
      { author_account_id: null, author_client_id: clientId, ref: 'castlebridge-council' },
    ]);
  });

  it('authenticates a machine client by private_key_jwt', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' };
    const { config } = await relyingParty(t, {
      name: 'Fellshire Fire incident system',
      machineFor: 'fellshire-fire',
      redirectUris: [],
      scopes: ['api:read'],
      jwks: { keys: [jwk] },
      privateKey,
    });
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'api:read' });
    const me = await callApi(t, '/api/v1/me', tokens.access_token);
    expect(((await me.json()) as { roles: { organisation: string }[] }).roles[0]?.organisation).toBe(
      'fellshire-fire',
    );
  });

  it('signs out of the relying party and of Flagstone on an RP-initiated logout', async () => {
    const { config } = await relyingParty(t);
    const { tokens, browser } = await tokensFor(t, config, citizen());
    const logout = oidc.buildEndSessionUrl(config, {
      id_token_hint: String(tokens.id_token),
      post_logout_redirect_uri: signedOut,
      state: 'bye',
    });
    const page = await browser.follow(logout.href, t.issuer);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Do you want to sign out of Flagstone?');
    // The page's policy lets its form lead back to the relying party, and its scripts run.
    expect(page.csp).toMatch(new RegExp(`form-action 'self' ${new URL(signedOut).origin}(;|$)`));
    const nonce = /script-src 'nonce-([^']+)'/.exec(page.csp ?? '')?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
    expect(page.body).toContain(`<script nonce="${nonce}">`);
    const back = await browser.submit(page, t.issuer, { logout: 'yes' });
    expect(back.location).toBe(`${signedOut}?state=bye`);
    const account = await browser.request(`${t.issuer}/account`);
    expect(account.location).toBe(`${t.issuer}/sign-in`);
  });

  it('keeps tokens signed before a key rotation valid, and signs new ones with the new key', async () => {
    const { config } = await relyingParty(t);
    const before = await tokensFor(t, config, citizen(), { forApi: true });
    const oldKid = decodeProtectedHeader(String(before.tokens.id_token)).kid;
    const { kid } = await t.services.identity.keys.rotate();
    expect(kid).not.toBe(oldKid);

    const jwks = createRemoteJWKSet(new URL(`${t.issuer}/oidc/jwks`));
    await jwtVerify(String(before.tokens.id_token), jwks, { issuer: t.issuer });
    expect((await callApi(t, '/api/v1/me', before.tokens.access_token)).status).toBe(200);

    const after = await tokensFor(t, config, citizen(), { forApi: true });
    expect(decodeProtectedHeader(String(after.tokens.id_token)).kid).toBe(kid);
    expect(decodeProtectedHeader(after.tokens.access_token).kid).toBe(kid);
    expect((await callApi(t, '/api/v1/me', after.tokens.access_token)).status).toBe(200);
  });

  it('writes the sign-in, the sign-in to the service and the consent to the audit ledger', async () => {
    const { config, clientId } = await relyingParty(t);
    const person = demoAccount((c) => c.roles === 'staff at northmoor-dc');
    const { tokens } = await tokensFor(t, config, person);
    const sub = String(tokens.claims()?.sub);
    const entries = await t.services.governance.ledger.about(sub);
    // Staff must set up a second factor on their first sign-in.
    expect(entries.map((e) => e.action).reverse()).toEqual([
      'identity.sign_in',
      'identity.second_factor_set_up',
      'identity.sign_in_to_service',
      'identity.consent',
    ]);
    expect(entries[0]).toMatchObject({
      actor: { account: sub, kind: 'staff' },
      resource: { type: 'relying_party', id: clientId },
      decision: 'allow',
      detail: { scopes: 'profile organisations api:read' },
    });

    await t.services.identity.clients.setDisabled(null, clientId, true);
    expect(await t.services.governance.ledger.latest('identity.relying_party_disabled')).toMatchObject({
      resource: { id: clientId },
    });
    const verified = await t.services.governance.ledger.verify();
    expect(verified).toMatchObject({ ok: true });
  });
});
