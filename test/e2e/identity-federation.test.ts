// Signing in to Flagstone through upstream identity providers in Chromium — a national
// identity service and an organisation's own provider, each a real oidc-provider on loopback —
// directly and on the way to a relying party; every Flagstone page on the way passes axe.
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserApp, expectAccessible, pageForRelyingParty } from '../browser.ts';
import { authorizationRequest, callback, relyingParty } from '../identity/relying-party.ts';
import { addTestUpstreams, type TestUpstream } from '../identity/upstream.ts';

const site = browserApp({ host: '127.0.0.1' });
/** The app as the OpenID provider that relying parties find at its address. */
const provider = () => ({ ...site.t, issuer: site.base });
let upstreams: Awaited<ReturnType<typeof addTestUpstreams>>;
let national: TestUpstream;
let council: TestUpstream;

beforeAll(async () => {
  upstreams = await addTestUpstreams(provider());
  ({ national, council } = upstreams);
});
afterAll(async () => {
  await upstreams?.close();
});

const newPage = () => pageForRelyingParty(site.browser);

describe('signing in through an upstream identity provider, in a browser', { timeout: 120_000 }, () => {
  it('signs a citizen in through the national identity service from accessible pages', async () => {
    national.people.set('citizen-1', {
      email: 'jo.bright@example.net',
      email_verified: true,
      vot: 'Cl.Cm.P2',
    });
    national.signInNext('citizen-1');
    const { page, errors } = await newPage();
    await page.goto(`${site.base}/sign-in`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sign in with GOV.UK One Login' }).click();
    await page.waitForURL(`${site.base}/account`);
    await expectAccessible(page);
    const me = await page.request.get(`${site.base}/api/v1/me`);
    expect(await me.json()).toMatchObject({ kind: 'citizen', identityConfidence: 'medium' });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("signs staff in through their organisation's provider on the way to a relying party", async () => {
    council.people.set('staff-1', {
      email: 'sam.ryder@fellshire.example',
      name: 'Sam Ryder',
      amr: ['pwd', 'mfa'],
    });
    council.signInNext('staff-1');
    const { config } = await relyingParty(provider());
    const { url, verifier, state } = await authorizationRequest(config);
    const { page, errors } = await newPage();
    await page.goto(url.href);
    await page.getByRole('button', { name: 'Sign in with Fellshire County Council' }).click();
    await page.getByRole('heading', { name: 'Allow Fellshire Schools Portal to use your account' }).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await page.waitForURL((address) => address.href.startsWith(`${callback}?`));
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()).toMatchObject({ name: 'Sam Ryder', acr: 'urn:flagstone:loa:second-factor' });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows an accessible page when the upstream token is refused', async () => {
    council.people.set('staff-2', { email: 'tampered@fellshire.example' });
    council.signInNext('staff-2');
    council.tamperNext({ aud: 'someone-else' });
    const { page, errors } = await newPage();
    await page.goto(`${site.base}/sign-in`);
    await page.getByRole('button', { name: 'Sign in with Fellshire County Council' }).click();
    await page.getByText('We could not sign you in with Fellshire County Council').waitFor();
    await expectAccessible(page);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
