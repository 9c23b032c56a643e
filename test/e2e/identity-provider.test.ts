// Signing in to a relying party through Flagstone in Chromium: every page on the way passes axe
// and the browser reports no errors (a CSP violation would show here).
import * as oidc from 'openid-client';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { totpCode } from '../../src/identity/index.ts';
import { browserApp, expectAccessible, pageForRelyingParty, signInThroughForm } from '../browser.ts';
import { authorizationRequest, callback, relyingParty } from '../identity/relying-party.ts';
import { administrator, citizen, demoAccount } from '../support.ts';

const site = browserApp({ host: '127.0.0.1' });
/** The app as the OpenID provider that relying parties find at its address. */
const provider = () => ({ ...site.t, issuer: site.base });

const newPage = () => pageForRelyingParty(site.browser);

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('signing in to another service through Flagstone, in a browser', { timeout: 120_000 }, () => {
  it('shows accessible sign-in and consent pages and returns a code the relying party can use', async () => {
    const { config } = await relyingParty(provider());
    const { url, verifier, state } = await authorizationRequest(config);
    const { page, errors } = await newPage();
    await page.goto(url.href);
    expect(await page.locator('.govuk-caption-l').textContent()).toContain('Fellshire Schools Portal');
    await expectAccessible(page);

    await signIn(page, citizen().email, 'wrong password');
    await page.locator('.govuk-error-summary').waitFor();
    await expectAccessible(page);

    await signIn(page, citizen().email, citizen().password);
    await page.getByRole('heading', { name: 'Allow Fellshire Schools Portal to use your account' }).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await page.waitForURL((address) => address.href.startsWith(`${callback}?`));

    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()?.name).toBe(citizen().name);
    expect(errors).toEqual([]);

    // Signing out from the relying party: Flagstone asks, then confirms.
    await page.goto(oidc.buildEndSessionUrl(config, { id_token_hint: String(tokens.id_token) }).href);
    await page.getByRole('heading', { name: 'Do you want to sign out of Flagstone?' }).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByRole('heading', { name: 'You have signed out' }).waitFor();
    await expectAccessible(page);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows an accessible error page for a redirect address the service did not register', async () => {
    const { config } = await relyingParty(provider());
    const { url } = await authorizationRequest(config, { redirect_uri: 'http://127.0.0.1:9/elsewhere' });
    const { page, errors } = await newPage();
    const response = await page.goto(url.href);
    expect(response?.status()).toBe(400);
    expect(page.url()).toContain(site.base);
    await expectAccessible(page);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('gives administrators accessible pages to list and change relying parties', async () => {
    const { clientId } = await relyingParty(provider(), { name: 'Ashby Vale planning portal' });
    const { page, errors } = await newPage();
    await signInThroughForm(page, site.base, administrator().email, administrator().password);
    await page.waitForURL(`${site.base}/staff`);
    await page.getByRole('link', { name: /Services that sign people in/ }).click();
    await page.waitForURL(`${site.base}/admin/clients`);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Change Ashby Vale planning portal' }).click();
    await page.waitForURL(`${site.base}/admin/clients/${clientId}`);
    await expectAccessible(page);
    await page.getByLabel('Redirect addresses').fill('http://not-https.example/cb');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expectAccessible(page);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('sets up an authenticator app and asks for its code at the next sign-in, on accessible pages', async () => {
    const officer = demoAccount((c) => c.roles === 'ig_officer at fellshire-nhs');
    const { page, errors } = await newPage();
    await page.goto(`${site.base}/sign-in`);
    await signIn(page, officer.email, officer.password);
    // Staff must set one up before anything else.
    await page.waitForURL((address) => address.pathname === '/account/second-factor');
    await page.getByText('Staff must set up a second factor').waitFor();
    await expectAccessible(page);
    const secret = String(await page.locator('.flagstone-secret').textContent());
    await page.getByLabel('Code from your authenticator app').fill(totpCode(secret, site.t.clock.now()));
    await page.getByRole('button', { name: 'Set up' }).click();
    await page.waitForURL(`${site.base}/staff`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${site.base}/`);

    await page.goto(`${site.base}/sign-in`);
    await signIn(page, officer.email, officer.password);
    await page.getByRole('heading', { name: 'Enter the code from your authenticator app' }).waitFor();
    await expectAccessible(page);
    await page.getByLabel('Enter the code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expectAccessible(page);
    await page
      .getByLabel('Enter the code from your authenticator app')
      .fill(totpCode(secret, new Date(site.t.clock.now().getTime() + 30_000)));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${site.base}/staff`);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
