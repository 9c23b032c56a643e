// Acting on someone's behalf in Chromium: a citizen gives a carer permission, the carer acts for
// them, the citizen stops it; every page passes axe.
import { describe, expect, it } from 'vitest';
import { browserApp, expectAccessible, signInThroughForm } from '../browser.ts';
import { demoAccount } from '../support.ts';

const site = browserApp({ host: '127.0.0.1' });
const amina = () => demoAccount((c) => c.email === 'amina.khan@example.com');
const tom = () => demoAccount((c) => c.email === 'tom.price@example.com');

describe('acting on someone’s behalf, in a browser', { timeout: 120_000 }, () => {
  it('gives, uses and stops a permission on accessible pages', async () => {
    const citizen = await site.newPage();
    await signInThroughForm(citizen, site.base, amina().email, amina().password);
    await citizen.waitForURL(`${site.base}/account`);
    await citizen.getByRole('link', { name: 'People who can act for you' }).click();
    await expectAccessible(citizen);
    await citizen.getByRole('button', { name: 'Let someone act for you' }).click();
    await expectAccessible(citizen);
    await citizen.getByRole('button', { name: 'Give permission' }).click();
    await citizen.locator('.govuk-error-summary').waitFor();
    await expectAccessible(citizen);
    await citizen.getByLabel('A person, like a carer or a relative').check();
    await citizen.getByLabel('Their email address, if a person').fill(tom().email);
    await citizen.getByLabel('See the records held about you').check();
    const until = new Date(Date.now() + 90 * 86_400_000);
    await citizen.getByLabel('Day').fill(String(until.getUTCDate()));
    await citizen.getByLabel('Month').fill(String(until.getUTCMonth() + 1));
    await citizen.getByLabel('Year').fill(String(until.getUTCFullYear()));
    await citizen.getByRole('button', { name: 'Give permission' }).click();
    await citizen.waitForURL(`${site.base}/account/acting-for-you`);
    await citizen.getByRole('heading', { name: 'Tom Price' }).waitFor();
    await expectAccessible(citizen);

    const carer = await site.newPage();
    await signInThroughForm(carer, site.base, tom().email, tom().password);
    await carer.waitForURL(`${site.base}/account`);
    await carer.getByRole('link', { name: 'People you can act for' }).click();
    await expectAccessible(carer);
    await carer.getByRole('button', { name: 'Act for Amina Khan' }).click();
    await carer.getByText('You are acting for Amina Khan').waitFor();
    await expectAccessible(carer);

    await citizen.getByRole('button', { name: 'Stop Tom Price acting for you' }).click();
    await citizen.getByText('Stopped').waitFor();
    await carer.reload();
    await carer.getByText('Nobody has let you act for them.').waitFor();
    expect(await carer.getByText('You are acting for Amina Khan').count()).toBe(0);
    await citizen.context().close();
    await carer.context().close();
  });
});
