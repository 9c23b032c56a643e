// The staff inbox through HTTP against the real database: filters from the query string (each
// a link, no JavaScript), assignment to a team and a person of the organisation holding the
// case, and what bad filters and assignments get.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, signIn, testDatabase } from '../../../test/support.ts';
import { createApp } from '../../app.ts';
import { type Services, servicesFor } from '../../compose.ts';
import { loadConfig } from '../../config.ts';
import { connect } from '../../db/index.ts';
import { demoPoints } from '../../places/index.ts';

let offset = 0;
const clock = { now: () => new Date(Date.now() + offset) };
let services: Services;
let app: FastifyInstance;
let close: () => Promise<void>;
const cookies: Record<string, string> = {};
const refs: Record<string, { id: string; reference: string }> = {};

async function as(roles: string) {
  if (!cookies[roles]) {
    const account = demoAccount((c) => c.roles === roles);
    cookies[roles] = await signIn(app, account.email, account.password);
  }
  return cookies[roles];
}

const page = async (url: string, roles = 'staff at fellshire-cc') =>
  app.inject({ url, headers: { accept: 'text/html', cookie: await as(roles) } });

const listed = (html: string) => Object.keys(refs).filter((k) => html.includes(refs[k]?.reference as string));

beforeAll(async () => {
  const { url, drop } = await testDatabase();
  const database = connect(url, 4);
  services = await servicesFor(database, { clock });
  app = await createApp(loadConfig({ LOG_LEVEL: 'silent' }), services);
  close = async () => {
    await app.close();
    await database.close();
    await drop();
  };
  const report = (service: string, point: readonly number[], attributes: Record<string, string>) =>
    services.requests.submit(
      { service, lat: point[1], lon: point[0], email: 'someone@example.com', attributes },
      {},
    );
  refs.ashbyPothole = await report('pothole', demoPoints.ashbyVale, { size: 'small' });
  refs.northmoorPothole = await report('pothole', demoPoints.northmoor, { size: 'large' });
  refs.ashbyBin = await report('missed-bin', demoPoints.ashbyVale, { bin: 'recycling' });
});
afterAll(() => close?.());

describe('the staff inbox', () => {
  it("lists only the organisation's cases, filtered by service and area from the query string", async () => {
    expect(listed((await page('/cases')).body)).toEqual(['ashbyPothole', 'northmoorPothole']);
    const filtered = await page('/cases?service=pothole&area=northmoor');
    expect(filtered.statusCode).toBe(200);
    expect(listed(filtered.body)).toEqual(['northmoorPothole']);
    expect(filtered.body).toContain('1 case');
    // Each chosen filter can be taken off by a link that keeps the others.
    expect(filtered.body).toContain('href="/cases?service=pothole"');
    expect(filtered.body).toContain('href="/cases?area=northmoor"');
    expect(listed((await page('/cases', 'staff at ashby-vale-dc')).body)).toEqual(['ashbyBin']);
  });

  it('assigns a case to a team and a person of the organisation, and filters by them', async () => {
    const id = refs.northmoorPothole?.id as string;
    const form = await page(`/cases/${id}/assignment`);
    expect(form.statusCode).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] as string;
    const grace = await services.identity.actorByEmail('grace.okafor@fellshire-cc.example.org');
    const post = (body: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/cases/${id}/assignment`,
        headers: {
          accept: 'text/html',
          cookie: cookies['staff at fellshire-cc'] as string,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams({ _csrf: csrf, ...body }).toString(),
      });

    const wrong = await post({ team: 'Waste and recycling', assignee: grace?.accountId as string });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('govuk-error-summary');
    expect(wrong.body).toContain('Choose one of the teams of the organisation holding the case');
    expect(listed((await page('/cases?team=none')).body)).toContain('northmoorPothole');

    const saved = await post({ team: 'Highways', assignee: grace?.accountId as string });
    expect(saved.statusCode).toBe(303);
    const view = await page(`/cases/${id}`);
    expect(view.body).toContain('Highways');
    expect(view.body).toContain('Grace Okafor');
    expect(listed((await page('/cases?team=Highways')).body)).toEqual(['northmoorPothole']);
    expect(listed((await page('/cases?assignee=me')).body)).toEqual(['northmoorPothole']);
    expect(listed((await page('/cases?assignee=none')).body)).toEqual(['ashbyPothole']);
    expect(await services.governance.ledger.latest('case.assign')).toMatchObject({
      decision: 'allow',
      detail: { team: 'Highways' },
    });
  });

  it('refuses an assignment by another organisation, changing nothing', async () => {
    const id = refs.ashbyPothole?.id as string;
    const refused = await app.inject({
      method: 'GET',
      url: `/cases/${id}/assignment`,
      headers: { accept: 'text/html', cookie: await as('staff at ashby-vale-dc') },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('shows when each case is due and who has it, sorts by due date, and stacks on a phone', async () => {
    const newest = await page('/cases');
    const at = (html: string, key: string) => html.indexOf(refs[key]?.reference as string);
    expect(at(newest.body, 'northmoorPothole')).toBeLessThan(at(newest.body, 'ashbyPothole'));
    const byDue = await page('/cases?sort=due');
    expect(byDue.statusCode).toBe(200);
    expect(at(byDue.body, 'ashbyPothole')).toBeLessThan(at(byDue.body, 'northmoorPothole'));
    expect(byDue.body).toContain('href="/cases?sort=reported"');
    expect(newest.body).toContain('flagstone-table--stacked');
    expect(newest.body).toMatch(/data-label="Due">\s*\d{1,2} [A-Z][a-z]+ 20\d\d/);
    expect(newest.body).toMatch(/data-label="Assigned to">\s*Grace Okafor, Highways/);
    expect(newest.body).toMatch(/data-label="Assigned to">\s*Nobody/);
    const filteredSorted = await page('/cases?team=Highways&sort=due');
    expect(listed(filteredSorted.body)).toEqual(['northmoorPothole']);
    const bad = await page('/cases?sort=sideways');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choose how to sort the cases');
  });

  it('shows in the navigation only the sections the roles open', async () => {
    const staff = await page('/cases');
    expect(staff.body).not.toContain('href="/governance"');
    expect((await page('/governance')).statusCode).toBe(403);
    const officer = await page('/cases', 'ig_officer at castlebridge-council');
    expect(officer.body).toContain('href="/governance"');
  });

  it('shows overdue cases only when asked, by the clock', async () => {
    const staff = await services.identity.actorByEmail('grace.okafor@fellshire-cc.example.org');
    expect((await services.inbox.list(staff, { overdue: 'true' })).cases).toEqual([]);
    offset = 30 * 86_400_000;
    try {
      const overdue = await services.inbox.list(staff, { overdue: 'true', service: 'pothole' });
      expect(overdue.cases.map((c) => c.reference).sort()).toEqual(
        [refs.ashbyPothole?.reference, refs.northmoorPothole?.reference].sort(),
      );
      expect(overdue.cases.every((c) => c.overdue)).toBe(true);
    } finally {
      offset = 0;
    }
    // The page and the API take the same parameter, and list the same cases.
    const late = refs.ashbyPothole?.id as string;
    const target = async (at: string) =>
      services.database.pool.query('UPDATE cases SET expected_at = $2 WHERE id = $1', [late, at]);
    const { rows } = await services.database.pool.query('SELECT expected_at FROM cases WHERE id = $1', [
      late,
    ]);
    await target(new Date(Date.now() - 86_400_000).toISOString());
    try {
      const onPage = listed((await page('/cases?overdue=true&service=pothole')).body);
      const api = await app.inject({
        url: '/api/v1/cases?overdue=true&service=pothole',
        headers: { cookie: await as('staff at fellshire-cc') },
      });
      expect(onPage).toEqual(['ashbyPothole']);
      expect(listed(api.body)).toEqual(onPage);
    } finally {
      await target(rows[0].expected_at.toISOString());
    }
  });

  it('answers an unknown filter value with the GOV.UK error summary and lists nothing', async () => {
    const yes = await page('/cases?overdue=yes');
    expect(yes.statusCode).toBe(400);
    expect(yes.body).toContain('Choose whether to show only overdue cases');
    const apiYes = await app.inject({
      url: '/api/v1/cases?overdue=yes',
      headers: { cookie: await as('staff at fellshire-cc') },
    });
    expect(apiYes.statusCode).toBe(400);
    const bad = await page('/cases?service=no-such-service&status=lost');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    expect(bad.body).toContain('href="#service"');
    expect(bad.body).toContain('Choose a status from the list');
    expect(listed(bad.body)).toEqual([]);
    const api = await app.inject({
      url: '/api/v1/cases?assignee=someone',
      headers: { cookie: cookies['staff at fellshire-cc'] as string },
    });
    expect(api.statusCode).toBe(400);
    expect(api.headers['content-type']).toContain('application/problem+json');
  });

  it('lets the receiving organisation decline a referral with a reason the referrer sees, after which it sees only the referral and its decision', async () => {
    const visit = await services.requests.submit(
      {
        service: 'home-fire-safety-visit',
        lat: demoPoints.castlebridge[1],
        lon: demoPoints.castlebridge[0],
        email: 'visit@example.com',
      },
      {},
    );
    const fire = await as('manager at fellshire-fire');
    const referred = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${visit.id}/referrals`,
      headers: { cookie: fire },
      payload: { to: 'castlebridge-council', purpose: 'safeguarding', note: 'Needs help with meals' },
    });
    expect(referred.statusCode).toBe(204);
    const castlebridge = await as('staff at castlebridge-council');
    const seen = await app.inject({ url: `/api/v1/cases/${visit.id}`, headers: { cookie: castlebridge } });
    const referral = seen.json().referrals[0];
    const declined = await app.inject({
      method: 'POST',
      url: `/api/v1/referrals/${referral.id}/decision`,
      headers: { cookie: castlebridge },
      payload: { accept: false, reason: 'Already known to our team; no new need' },
    });
    expect(declined.statusCode).toBe(204);
    const holder = await app.inject({ url: `/api/v1/cases/${visit.id}`, headers: { cookie: fire } });
    expect(holder.json().referrals[0]).toMatchObject({
      status: 'declined',
      statusName: 'Declined',
      reason: 'Already known to our team; no new need',
    });
    const after = await app.inject({ url: `/api/v1/cases/${visit.id}`, headers: { cookie: castlebridge } });
    expect(after.json()).toMatchObject({ access: 'referral', contact: { email: null } });
    expect(after.json().updates.map((u: { kind: string }) => u.kind)).toEqual(['referral', 'referral']);
    expect(after.json().referrals[0]).toMatchObject({ status: 'declined', mayDecide: false });
    const again = await app.inject({
      method: 'POST',
      url: `/api/v1/referrals/${referral.id}/decision`,
      headers: { cookie: castlebridge },
      payload: { accept: true, reason: '' },
    });
    expect(again.statusCode).toBe(409);
  });
});
