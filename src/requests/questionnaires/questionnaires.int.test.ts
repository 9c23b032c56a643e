// "Has it been fixed?": weeks after a case is resolved, the person who reported it is emailed a
// link; a "no" with their words reopens the case; a link answered, expired or never sent is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrator, type TestContext, testApp } from '../../../test/support.ts';
import { demoPoints } from '../../places/index.ts';
import type { Actor } from '../../platform/index.ts';

let t: TestContext;
let staff: Actor;
const WEEK = 7 * 86_400_000;
const [lon, lat] = demoPoints.ashbyVale;
const query = async (sql: string, values: unknown[] = []) =>
  (await t.services.database.pool.query(sql, values)).rows;

async function resolvedCase(email: string, east = 0) {
  const made = await t.services.requests.submit({
    service: 'missed-bin',
    lat,
    lon: lon + east,
    attributes: { bin: 'food' },
    email,
  });
  await t.services.requests.changeStatus(staff, made.id, { status: 'resolved', reason: 'Collected' });
  return made;
}
const linkFor = async (email: string) => {
  const [row] = await query(
    "SELECT personalisation FROM notification_outbox WHERE template = 'fixed-question' AND recipient = $1",
    [email],
  );
  return new URL(row.personalisation.link).pathname;
};
/** Sends the page's form as a browser would: its cookie and CSRF token first. */
const sessions = new Map<string, { csrf: string; cookie: string }>();
async function answer(path: string, form: Record<string, string>) {
  if (!sessions.has(path)) {
    const page = await t.app.inject({ url: path, headers: { accept: 'text/html' } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    sessions.set(path, { csrf, cookie: page.cookies.map((c) => `${c.name}=${c.value}`).join('; ') });
  }
  const { csrf, cookie } = sessions.get(path) as { csrf: string; cookie: string };
  return t.app.inject({
    method: 'POST',
    url: path,
    headers: { accept: 'text/html', cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, ...form }).toString(),
  });
}

beforeAll(async () => {
  t = await testApp();
  staff = (await t.services.identity.actorByEmail('liam.brennan@ashby-vale-dc.example.org')) as Actor;
});
afterAll(() => t?.close());

describe('asking whether it was fixed', () => {
  it('asks four weeks after resolving, once, and a "no" with words reopens the case', async () => {
    const made = await resolvedCase('asked@example.com');
    t.clock.wait(3 * WEEK);
    expect(await t.services.questionnaires.askDue('https://reports.example')).toEqual({ asked: 0 });
    t.clock.wait(WEEK + 60_000);
    expect(await t.services.questionnaires.askDue('https://reports.example')).toEqual({ asked: 1 });
    expect(await t.services.questionnaires.askDue('https://reports.example')).toEqual({ asked: 0 });
    const path = await linkFor('asked@example.com');
    expect(path).toMatch(/^\/fixed\/\S+$/);
    const page = await t.app.inject({ url: path, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Has it been fixed?');

    const missing = await answer(path, { fixed: 'no', words: '' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Tell us what is still wrong');
    expect((await query('SELECT status FROM cases WHERE id = $1', [made.id]))[0].status).toBe('resolved');

    const no = await answer(path, { fixed: 'no', words: 'The food bin is still full and smells' });
    expect(no.statusCode).toBe(200);
    expect((await query('SELECT status FROM cases WHERE id = $1', [made.id]))[0].status).toBe('open');
    const [update] = await query(
      "SELECT body, status FROM case_updates WHERE case_id = $1 AND status = 'open'",
      [made.id],
    );
    expect(update).toEqual({ body: 'The food bin is still full and smells', status: 'open' });
    expect(await query("SELECT count(*)::int AS n FROM audit_ledger WHERE action = 'case.reopened'")).toEqual(
      [{ n: 1 }],
    );

    // The link is answered: opened or sent again, it changes nothing.
    const reopened = await t.app.inject({ url: path, headers: { accept: 'text/html' } });
    expect(reopened.statusCode).toBe(409);
    expect(reopened.body).toContain('answered already');
    const again = await answer(path, { fixed: 'yes', words: '' });
    expect(again.statusCode).toBe(409);
    expect(await query('SELECT fixed FROM questionnaires')).toEqual([{ fixed: false }]);
  });

  it('waits as long as set for the service, refuses an expired link and one never sent', async () => {
    const admin = (await t.services.identity.actorByEmail(administrator().email)) as Actor;
    await t.services.questionnaires.setWeeks(admin, 'missed-bin', 6);
    await resolvedCase('later@example.com', 0.02);
    t.clock.wait(5 * WEEK);
    expect(await t.services.questionnaires.askDue('https://reports.example')).toEqual({ asked: 0 });
    t.clock.wait(WEEK + 60_000);
    expect(await t.services.questionnaires.askDue('https://reports.example')).toEqual({ asked: 1 });
    const path = await linkFor('later@example.com');
    t.clock.wait(9 * WEEK);
    const expired = await t.app.inject({ url: path, headers: { accept: 'text/html' } });
    expect(expired.statusCode).toBe(409);
    expect(expired.body).toContain('This link has expired');
    expect(
      (await t.app.inject({ url: '/fixed/not-a-token', headers: { accept: 'text/html' } })).statusCode,
    ).toBe(404);
    const weeks = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/services/pothole/questionnaire',
      payload: { weeks: 0 },
    });
    expect(weeks.statusCode).toBe(400);
  });
});
