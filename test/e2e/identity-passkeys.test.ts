// Passkeys in Chromium with a virtual authenticator (Chrome DevTools Protocol): a citizen adds
// one from their account, signs out, signs in with it (the second-factor level), and removes it.
// Axe on every page; the browser reports no errors (a CSP violation would show here).
import type { CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserApp, expectAccessible, signInThroughForm } from '../browser.ts';
import { citizenId, demoAccount } from '../support.ts';

// WebAuthn needs a domain, not an IP address: the site is at localhost.
const site = browserApp({ host: 'localhost' });
const amina = () => demoAccount((c) => c.email === 'amina.khan@example.com');

/** A page whose browser has a passkey authenticator that unlocks at once (as if a fingerprint were given). */
async function withAuthenticator(): Promise<{ page: Page; cdp: CDPSession; errors: string[] }> {
  const page = await site.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { page, cdp, errors };
}

describe('passkeys in a browser', { timeout: 120_000 }, () => {
  it('adds a passkey, signs in with it at the second-factor level, and removes it', async () => {
    const { page, errors } = await withAuthenticator();
    await signInThroughForm(page, site.base, amina().email, amina().password);
    await page.waitForURL(`${site.base}/account`);
    await page.getByRole('link', { name: 'Passkeys' }).click();
    await page.waitForURL(`${site.base}/account/passkeys`);
    await page.getByText('You have not added a passkey yet').waitFor();
    await page.getByLabel('Name for this passkey (optional)').fill('Kitchen tablet');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('cell', { name: 'Kitchen tablet', exact: true }).waitFor();
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${site.base}/`);
    await page.goto(`${site.base}/sign-in`);
    await page.getByRole('heading', { name: 'Sign in with a passkey' }).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.waitForURL(`${site.base}/account`);
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
    expect(me).toMatchObject({ kind: 'citizen', authLevel: 'second_factor' });

    await page.goto(`${site.base}/account/passkeys`);
    await page.getByRole('button', { name: 'Remove Kitchen tablet' }).click();
    await page.getByText('You have not added a passkey yet').waitFor();
    await expectAccessible(page);
    expect(errors).toEqual([]);

    const account = await citizenId(site.t, amina().email);
    const actions = (await site.t.services.governance.ledger.about(account)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['identity.passkey_added', 'identity.passkey_removed']));
    await page.context().close();
  });

  it('steps up with a passkey from a session signed in with a password alone', async () => {
    const { page, errors } = await withAuthenticator();
    await signInThroughForm(page, site.base, amina().email, amina().password);
    await page.goto(`${site.base}/account/passkeys`);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('cell', { name: 'Passkey', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${site.base}/`);

    await signInThroughForm(page, site.base, amina().email, amina().password);
    await page.goto(`${site.base}/account/step-up?next=%2Fyour-data`);
    await page.getByRole('heading', { name: 'Use your passkey to continue' }).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.waitForURL(`${site.base}/your-data`);
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
    expect(me).toMatchObject({ authLevel: 'second_factor' });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('says so on the page when the browser has no passkey for Flagstone', async () => {
    const { page, errors } = await withAuthenticator(); // an authenticator with no passkey on it
    await page.goto(`${site.base}/sign-in`);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.locator('[data-passkey-error]').waitFor({ state: 'visible', timeout: 60_000 });
    expect(page.url()).toBe(`${site.base}/sign-in`);
    await expectAccessible(page);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
