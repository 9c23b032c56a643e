// A fire and rescue home safety visit finds a vulnerable adult: the fire service refers the
// case to the county's adult social care under the demo's safeguarding agreement; the county
// accepts it; each organisation sees the history it is entitled to; the citizen sees that it
// was referred; without an agreement the referral is refused and nothing is saved. Axe on
// every page.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoPoints } from '../../src/places/index.ts';
import { browserApp, expectAccessible } from '../browser.ts';
import { administrator, demoAccount } from '../support.ts';

const site = browserApp();
let caseId: string;
let reference: string;

const FIRE_NOTE = 'Crew noticed oxygen cylinders stored next to the gas fire';
const REFERRAL_NOTE = 'Lives alone, struggles with stairs and meals; asked us to get her help';

beforeAll(async () => {
  const amina = await site.t.services.identity.actorByEmail('amina.khan@example.com');
  const created = await site.t.services.requests.submit(
    {
      service: 'home-fire-safety-visit',
      lat: demoPoints.ashbyVale[1],
      lon: demoPoints.ashbyVale[0],
      description: 'Please check my smoke alarms',
    },
    { actor: amina },
  );
  caseId = created.id;
  reference = created.reference;
});

const referralForm = (page: Page) => page.locator(`form[action="/cases/${caseId}/referrals"]`);

describe('referring a case between organisations in a browser', { timeout: 180_000 }, () => {
  it('lets the fire service refer the case to the county for safeguarding, after showing what is missing', async () => {
    const fire = await site.signedIn((c) => c.roles === 'manager at fellshire-fire');
    await fire.getByRole('link', { name: 'Cases' }).click();
    await expectAccessible(fire);
    await fire.locator('#service').selectOption({ label: 'Book a free home fire safety visit' });
    await fire.getByLabel('Assigned to').selectOption('none');
    await fire.getByRole('button', { name: 'Apply filters' }).click();
    expect(fire.url()).toContain('service=home-fire-safety-visit');
    expect(await fire.locator('table').textContent()).toContain(reference);
    await expectAccessible(fire);
    await fire.goto(`${site.base}/cases?service=no-such-service`);
    expect(await fire.locator('.govuk-error-summary').textContent()).toContain(
      'Choose a service from the list',
    );
    await expectAccessible(fire);
    await fire.goto(`${site.base}/cases/${caseId}/assignment`);
    await expectAccessible(fire);
    await fire.getByLabel('Team').selectOption('Prevention');
    await fire.getByLabel('Person').selectOption({ label: 'Yasmin Ali' });
    await fire.getByRole('button', { name: 'Save the assignment' }).click();
    expect(await fire.locator('.govuk-summary-list').first().textContent()).toContain('Yasmin Ali');
    await fire.getByLabel('Internal note: never public').check();
    await fire.getByLabel('Update or note').fill(FIRE_NOTE);
    await fire.getByRole('button', { name: 'Add it' }).click();
    await expectAccessible(fire);

    await referralForm(fire).getByRole('button', { name: 'Refer the case' }).click();
    const summary = await fire.locator('.govuk-error-summary').textContent();
    expect(summary).toContain('Choose the organisation to refer to');
    expect(summary).toContain('Choose the purpose of the referral');
    await expectAccessible(fire);

    await fire.getByLabel('Organisation').selectOption({ label: 'Fellshire County Council' });
    await fire.getByLabel('Purpose').selectOption('safeguarding');
    await fire.getByLabel('What they need to know').fill(REFERRAL_NOTE);
    await referralForm(fire).getByRole('button', { name: 'Refer the case' }).click();
    const card = fire.locator('.govuk-summary-card', { hasText: 'Referred to Fellshire County Council' });
    expect(await card.textContent()).toContain('Waiting for a decision');
    expect(await card.textContent()).toContain('Safeguarding');
    await expectAccessible(fire);
    await fire.context().close();
  });

  it("lets the county's staff accept it, seeing the referral but not the fire service's internal notes", async () => {
    const county = await site.signedIn((c) => c.roles === 'staff at fellshire-cc');
    await county.getByRole('link', { name: 'Cases' }).click();
    const row = county.locator('tr', { hasText: reference });
    expect(await row.textContent()).toContain('(referred to you)');
    await row.getByRole('link', { name: reference }).click();
    const main = await county.textContent('main');
    expect(main).toContain(REFERRAL_NOTE);
    expect(main).not.toContain(FIRE_NOTE);
    await expectAccessible(county);

    await county.getByLabel('Decline', { exact: true }).check();
    await county.getByRole('button', { name: 'Save the decision' }).click();
    expect(await county.locator('.govuk-error-summary').textContent()).toContain(
      'Enter the reason for declining the referral',
    );
    await expectAccessible(county);
    await county.getByLabel('Accept', { exact: true }).check();
    await county.getByRole('button', { name: 'Save the decision' }).click();
    const card = county.locator('.govuk-summary-card', { hasText: 'Referred to Fellshire County Council' });
    expect(await card.textContent()).toContain('Accepted');
    await expectAccessible(county);
    await county.context().close();

    const fire = await site.signedIn((c) => c.roles === 'manager at fellshire-fire');
    await fire.goto(`${site.base}/cases/${caseId}`);
    const history = await fire.textContent('main');
    expect(history).toContain('Accepted');
    expect(history).toContain(FIRE_NOTE);
    await fire.context().close();
  });

  it('shows the citizen that the request was referred, and nothing of the notes', async () => {
    const amina = await site.signedIn((c) => c.email === 'amina.khan@example.com');
    await amina.getByRole('link', { name: 'Your requests' }).click();
    await amina.getByRole('link', { name: reference }).click();
    const main = await amina.textContent('main');
    expect(main).toContain('We have referred your request to Fellshire County Council.');
    expect(main).not.toContain(FIRE_NOTE);
    expect(main).not.toContain(REFERRAL_NOTE);
    await expectAccessible(amina);
    await amina.context().close();
  });

  it('lets the county decline another referral: the referrer sees who declined and when, the citizen what happens next, the county only its decision', async () => {
    const amina = await site.t.services.identity.actorByEmail('amina.khan@example.com');
    const second = await site.t.services.requests.submit(
      {
        service: 'home-fire-safety-visit',
        lat: demoPoints.ashbyVale[1] + 0.02,
        lon: demoPoints.ashbyVale[0],
        description: 'My neighbour asked me to book this',
      },
      { actor: amina },
    );
    const manager = await site.t.services.identity.actorByEmail(
      demoAccount((c) => c.roles === 'manager at fellshire-fire').email,
    );
    await site.t.services.requests.refer(manager, second.id, {
      to: 'fellshire-cc',
      purpose: 'safeguarding',
      note: 'May need a care assessment',
    });
    const county = await site.signedIn((c) => c.roles === 'staff at fellshire-cc');
    await county.goto(`${site.base}/cases/${second.id}`);
    expect(await county.textContent('main')).not.toContain('Change the status');
    await county.getByLabel('Decline', { exact: true }).check();
    await county.getByLabel('Reason (needed to decline)').fill('Already supported by our reablement team');
    await county.getByRole('button', { name: 'Save the decision' }).click();
    const seen = await county.textContent('main');
    expect(seen).toContain('Declined by');
    expect(seen).toContain('You can see the referral and your decision on it, nothing more.');
    expect(seen).not.toContain('My neighbour asked me to book this');
    await expectAccessible(county);
    await county.goto(`${site.base}/cases`);
    await county.getByRole('link', { name: 'Referrals to and from your organisation' }).click();
    const row = county.locator('tr', { hasText: second.reference });
    expect(await row.textContent()).toContain('Declined by Grace Okafor');
    await expectAccessible(county);
    await county.context().close();

    const fire = await site.signedIn((c) => c.roles === 'manager at fellshire-fire');
    await fire.goto(`${site.base}/cases/${second.id}`);
    const history = await fire.locator('ul.govuk-list').allTextContents();
    expect(history.join(' ')).toContain(
      'Referral by Grace Okafor (Fellshire County Council): Declined by Fellshire County Council: Already supported by our reablement team',
    );
    await expectAccessible(fire);
    await fire.context().close();

    const citizen = await site.signedIn((c) => c.email === 'amina.khan@example.com');
    await citizen.goto(`${site.base}/your-requests`);
    await citizen.getByRole('link', { name: second.reference }).click();
    const main = await citizen.textContent('main');
    expect(main).toContain(
      'Fellshire County Council cannot help with your request. Fellshire and Castlebridge Fire and Rescue Service is still dealing with it and will keep you updated.',
    );
    expect(main).not.toContain('reablement');
    await expectAccessible(citizen);
    await citizen.context().close();
  });

  it('refuses a referral to an organisation outside the agreement, and one after the agreement is revoked, saving nothing', async () => {
    const fire = await site.signedIn((c) => c.roles === 'manager at fellshire-fire');
    const refer = async (organisation: string) => {
      await fire.goto(`${site.base}/cases/${caseId}`);
      await fire.getByLabel('Organisation').selectOption({ label: organisation });
      await fire.getByLabel('Purpose').selectOption('safeguarding');
      await fire.getByLabel('What they need to know').fill('Second referral');
      const [response] = await Promise.all([
        fire.waitForResponse((r) => r.url().endsWith('/referrals') && r.request().method() === 'POST'),
        referralForm(fire).getByRole('button', { name: 'Refer the case' }).click(),
      ]);
      return response.status();
    };

    expect(await refer('Fellshire Constabulary')).toBe(403);
    expect(await fire.locator('.govuk-error-summary').textContent()).toContain(
      'No data-sharing agreement in force lets your organisation refer this case to Fellshire Constabulary for safeguarding',
    );
    await expectAccessible(fire);

    const officer = await site.t.services.identity.actorByEmail(
      demoAccount((c) => c.roles === 'ig_officer at fellshire-fire').email,
    );
    const [agreement] = await site.t.services.agreements.list(officer);
    await site.t.services.agreements.revoke(
      officer,
      agreement?.id as string,
      'Replaced by a county-wide agreement',
    );
    expect(await refer('Castlebridge Council')).toBe(403);
    expect(await fire.locator('.govuk-error-summary').textContent()).toContain(
      'No data-sharing agreement in force lets your organisation refer this case to Castlebridge Council',
    );
    await expectAccessible(fire);
    const cards = await fire.locator('.govuk-summary-card').allTextContents();
    expect(cards).toHaveLength(1);
    const manager = await site.t.services.identity.actorByEmail(
      demoAccount((c) => c.roles === 'manager at fellshire-fire').email,
    );
    expect((await site.t.services.requests.caseFor(manager, caseId)).referrals).toHaveLength(1);
    await fire.context().close();

    // The county accepted the first referral; with its agreement revoked it sees the case no more.
    const county = await site.signedIn((c) => c.roles === 'staff at fellshire-cc');
    const refused = await county.goto(`${site.base}/cases/${caseId}`);
    expect(refused?.status()).toBe(403);
    expect(await county.textContent('main')).not.toContain(REFERRAL_NOTE);
    await expectAccessible(county);
    await county.context().close();
  });

  it('shows an administrator the emails queued on an accessible outbox page', async () => {
    const admin = await site.signedIn((c) => c.email === administrator().email);
    await admin.getByRole('link', { name: 'Emails and texts' }).click();
    expect(await admin.getByRole('heading', { level: 1 }).textContent()).toBe('Emails and texts');
    expect(await admin.locator('table').textContent()).toContain('amina.khan@example.com');
    expect(await admin.textContent('main')).toContain(
      'GOV.UK Notify is not set up (FLAGSTONE_NOTIFY_API_KEY is not set), so nothing is sent',
    );
    expect(await admin.locator('table').textContent()).toContain(
      'Fellshire County Council cannot help with your request.',
    );
    await expectAccessible(admin);
    await admin.context().close();
  });
});
