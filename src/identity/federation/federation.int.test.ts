// Signing in to Flagstone through upstream OpenID Connect providers: a national identity
// service for citizens and an organisation's own provider for its staff, each a real
// oidc-provider on loopback.
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../../../test/identity/http-browser.ts';
import {
  authorizationRequest,
  callback,
  relyingParty,
  tokensFor,
} from '../../../test/identity/relying-party.ts';
import { providerWithUpstreams, type TestUpstream } from '../../../test/identity/upstream.ts';
import { citizen, demoAccount, type TestContext } from '../../../test/support.ts';
import { ACR_SECOND_FACTOR } from '../provider/index.ts';

let t: TestContext & { issuer: string };
let national: TestUpstream;
let council: TestUpstream;
let setup: Awaited<ReturnType<typeof providerWithUpstreams>>;

beforeAll(async () => {
  setup = await providerWithUpstreams();
  ({ t, national, council } = setup);
});
afterAll(async () => {
  await setup?.close();
});

/** Follows every redirect, across Flagstone and the upstream, to the page where it stops (or the relying party). */
async function viaUpstream(browser: TestBrowser, slug: string, query = '') {
  let step = await browser.request(`${t.issuer}/sign-in/with/${slug}${query}`);
  for (let hops = 0; step.location && !step.location.startsWith(callback); hops++) {
    if (hops > 15) throw new Error('too many redirects');
    step = await browser.request(step.location);
  }
  return step;
}

async function me(browser: TestBrowser) {
  const response = await browser.request(`${t.issuer}/api/v1/me`);
  return { status: response.status, body: JSON.parse(response.body) };
}

async function ledgerActions(action: string): Promise<number> {
  const { rows } = await t.services.database.pool.query(
    'SELECT count(*)::int AS n FROM audit_ledger WHERE action = $1',
    [action],
  );
  return rows[0].n;
}

describe('signing in through a national identity service', () => {
  it('offers it on the sign-in page', async () => {
    const page = await new TestBrowser().request(`${t.issuer}/sign-in`);
    expect(page.body).toContain('Sign in with GOV.UK One Login');
    expect(page.body).toContain('href="/sign-in/with/one-login"');
  });

  it('makes a citizen account the first time and records the identity confidence asserted', async () => {
    national.people.set('urn:uk:one-login:1', {
      email: 'rosa.lane@example.net',
      email_verified: true,
      vot: 'Cl.Cm.P2',
    });
    national.signInNext('urn:uk:one-login:1');
    const browser = new TestBrowser();
    const home = await viaUpstream(browser, 'one-login');
    expect(home.url).toBe(`${t.issuer}/account`);
    const first = await me(browser);
    expect(first.body).toMatchObject({
      kind: 'citizen',
      identityConfidence: 'medium',
      authLevel: 'second_factor',
    });

    const again = new TestBrowser();
    national.signInNext('urn:uk:one-login:1');
    await viaUpstream(again, 'one-login');
    expect((await me(again)).body.accountId).toBe(first.body.accountId);
    expect(await ledgerActions('identity.account_created_from_upstream')).toBeGreaterThanOrEqual(1);
  });

  it('records a lower confidence when the service asserts one', async () => {
    national.people.set('urn:uk:one-login:2', {
      email: 'low@example.net',
      email_verified: true,
      vot: 'Cl.P1',
    });
    national.signInNext('urn:uk:one-login:2');
    const browser = new TestBrowser();
    await viaUpstream(browser, 'one-login');
    expect((await me(browser)).body).toMatchObject({ identityConfidence: 'low', authLevel: 'password' });
  });

  it('links to an existing citizen account only when the email address is verified', async () => {
    const amina = demoAccount((c) => c.email === 'amina.khan@example.com');
    national.people.set('unverified', { email: amina.email, email_verified: false, vot: 'Cl.Cm.P2' });
    national.signInNext('unverified');
    const refused = new TestBrowser();
    const page = await viaUpstream(refused, 'one-login');
    expect(page.status).toBe(403);
    expect(page.body).toContain('has not confirmed that the address is yours');
    expect((await me(refused)).status).toBe(401);

    national.people.set('verified', { email: amina.email, email_verified: true, vot: 'Cl.Cm.P2' });
    national.signInNext('verified');
    const linked = new TestBrowser();
    await viaUpstream(linked, 'one-login');
    expect((await me(linked)).body).toMatchObject({ name: amina.name, kind: 'citizen' });
  });

  it('never links a citizen identity to a staff account with the same email', async () => {
    const officer = demoAccount((c) => c.roles === 'ig_officer at fellshire-cc');
    national.people.set('staff-email', { email: officer.email, email_verified: true, vot: 'Cl.Cm.P2' });
    national.signInNext('staff-email');
    const browser = new TestBrowser();
    expect((await viaUpstream(browser, 'one-login')).status).toBe(403);
    expect((await me(browser)).status).toBe(401);
  });
});

describe("signing in through an organisation's own provider", () => {
  it('makes a staff account in that organisation the first time (just in time)', async () => {
    council.people.set('entra-oid-1', {
      email: 'new.starter@fellshire.example',
      name: 'New Starter',
      amr: ['pwd', 'mfa'],
    });
    council.signInNext('entra-oid-1');
    const browser = new TestBrowser();
    const home = await viaUpstream(browser, 'fellshire-cc');
    expect(home.url).toBe(`${t.issuer}/staff`);
    expect(home.body).toContain('Fellshire County Council');
    expect((await me(browser)).body).toMatchObject({
      kind: 'staff',
      name: 'New Starter',
      authLevel: 'second_factor',
      roles: [{ organisation: 'fellshire-cc', role: 'staff' }],
    });
  });

  it('links an existing member of staff of the organisation on a verified email address', async () => {
    const manager = demoAccount((c) => c.roles === 'manager at fellshire-cc');
    council.people.set('entra-oid-2', { email: manager.email, email_verified: true, amr: ['pwd', 'mfa'] });
    council.signInNext('entra-oid-2');
    const browser = new TestBrowser();
    await viaUpstream(browser, 'fellshire-cc');
    expect((await me(browser)).body).toMatchObject({ name: manager.name, roles: [{ role: 'manager' }] });
  });

  it('refuses to link staff of another organisation, even with a verified address', async () => {
    const other = demoAccount((c) => c.roles === 'manager at ashby-vale-dc');
    council.people.set('entra-oid-3', { email: other.email, email_verified: true });
    council.signInNext('entra-oid-3');
    const browser = new TestBrowser();
    expect((await viaUpstream(browser, 'fellshire-cc')).status).toBe(403);
    expect((await me(browser)).status).toBe(401);
  });
});

describe('an upstream token that is not right', () => {
  it.each([
    ['the wrong issuer', { iss: 'https://impostor.example' }],
    ['the wrong audience', { aud: 'someone-else' }],
    ['the wrong nonce', { nonce: 'not-the-one-we-sent' }],
  ])('is refused with %s, granting nothing and writing the refusal to the ledger', async (_name, claims) => {
    council.people.set('entra-oid-4', { email: 'tampered@fellshire.example', email_verified: true });
    council.signInNext('entra-oid-4');
    council.tamperNext(claims);
    const before = await ledgerActions('identity.upstream_refused');
    const browser = new TestBrowser();
    const page = await viaUpstream(browser, 'fellshire-cc');
    expect(page.status).toBe(403);
    expect(page.body).toContain('We could not sign you in with Fellshire County Council');
    expect(browser.cookies.has('flagstone_session')).toBe(false);
    expect(await ledgerActions('identity.upstream_refused')).toBe(before + 1);
    const { rows } = await t.services.database.pool.query('SELECT 1 FROM accounts WHERE email = $1', [
      'tampered@fellshire.example',
    ]);
    expect(rows).toHaveLength(0);
  });

  it('is refused when the browser comes back without the sign-in it started', async () => {
    const browser = new TestBrowser();
    const page = await browser.request(`${t.issuer}/sign-in/with/fellshire-cc/return?code=abc&state=xyz`);
    expect(page.status).toBe(400);
    expect(browser.cookies.has('flagstone_session')).toBe(false);
  });
});

describe('ID tokens for a relying party', () => {
  it('carry the identity confidence and vector of trust of a sign-in through the national service', async () => {
    national.people.set('urn:uk:one-login:rp', {
      email: 'nia.hart@example.net',
      email_verified: true,
      vot: 'Cl.Cm.P2',
    });
    const { config } = await relyingParty(t, { name: 'Fellshire Blue Badges' });
    const { url, verifier, state } = await authorizationRequest(config);
    const browser = new TestBrowser();
    const signInPage = await browser.follow(url.href, t.issuer);
    const interaction = /href="\/sign-in\/with\/one-login\?interaction=([^"]+)"/.exec(signInPage.body)?.[1];
    national.signInNext('urn:uk:one-login:rp');
    const consent = await viaUpstream(browser, 'one-login', `?interaction=${interaction}`);
    expect(consent.body).toContain('Allow Fellshire Blue Badges to use your account');
    const back = await browser.submit(consent, t.issuer, { decision: 'allow' });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location ?? ''), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()).toMatchObject({
      acr: ACR_SECOND_FACTOR,
      amr: ['mfa'],
      vot: 'Cl.Cm.P2',
      identity_confidence: 'medium',
    });
  });

  it('say that a password sign-in has no identity confidence asserted', async () => {
    const { config } = await relyingParty(t);
    const { tokens } = await tokensFor(t, config, citizen());
    const claims = tokens.claims();
    expect(claims).toMatchObject({ acr: 'urn:flagstone:loa:password', amr: ['pwd'], vot: 'Cl.P0' });
    expect(claims).not.toHaveProperty('identity_confidence');
  });
});
