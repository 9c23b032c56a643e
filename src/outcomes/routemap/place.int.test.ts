// The place's benchmark, comparing with the median, and action plans, through the pages against
// the real database with the demo's assessments: what staff see, who is refused, what each bad
// action gets (and that nothing is saved), and the overdue action's reminder in the outbox.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizen, demoAccount, signIn, type TestContext, testApp } from '../../../test/support.ts';
import type { Actor } from '../../platform/index.ts';
import { loadDemoRoutemap } from './index.ts';

let t: TestContext;
const cookies: Record<string, string> = {};
const MANAGER = 'manager at fellshire-fire';

async function as(email: string) {
  if (!cookies[email]) {
    const account = demoAccount((c) => c.email === email);
    cookies[email] = await signIn(t.app, account.email, account.password);
  }
  return cookies[email];
}
const emailOf = (roles: string) => demoAccount((c) => c.roles === roles).email;
const page = async (url: string, roles = MANAGER) =>
  t.app.inject({ url, headers: { accept: 'text/html', cookie: await as(emailOf(roles)) } });
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
async function post(url: string, form: Record<string, string | string[]>, roles = MANAGER) {
  const token = csrfOf((await page('/routemap/fellshire-fire/actions', roles)).body);
  const body = new URLSearchParams({ _csrf: token });
  for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
  return t.app.inject({
    method: 'POST',
    url,
    headers: {
      accept: 'text/html',
      cookie: await as(emailOf(roles)),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: body.toString(),
  });
}
const count = async (table: 'routemap_actions' | 'notification_outbox') =>
  (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(
      t.services.database.db,
    )
  ).rows[0]?.n ?? 0;

const nextYear = new Date().getUTCFullYear() + 1;
const action = {
  item: 'professionalism',
  title: 'Train every watch in information handling',
  ownerName: 'Sam Hughes',
  ownerEmail: 'sam.hughes@fellshire-fire.example.org',
  dueDay: '1',
  dueMonth: '3',
  dueYear: String(nextYear),
  partners: ['fellshire-police'],
};

beforeAll(async () => {
  t = await testApp();
  const actor = async (email: string) => (await t.services.identity.actorByEmail(email)) as Actor;
  await loadDemoRoutemap(t.services.routemap, actor, t.clock.now());
});
afterAll(() => t?.close());

describe('the place’s benchmark', () => {
  it('shows every assessed organisation on every item, with charts, their data and the platform’s evidence', async () => {
    const response = await page('/routemap/benchmark', 'staff at ashby-vale-dc');
    expect(response.statusCode).toBe(200);
    for (const name of [
      'Fellshire County Council',
      'Fellshire and Castlebridge Fire and Rescue Service',
      'Northmoor District Council',
    ])
      expect(response.body).toContain(name);
    expect(response.body).toMatch(/7 organisations have submitted/);
    expect(response.body).toMatch(/Not assessed yet: [^.]*Fellside/);
    expect(response.body.match(/<svg [^>]*role="img"/g)).toHaveLength(3);
    expect(response.body).toContain('The data of the chart: Strategic capabilities');
    expect(response.body).toContain('Active sharing agreements');
    expect(response.body).toMatch(/class="govuk-visually-hidden"> \((up|down) \d\)/);
  });

  it('sets an organisation against the place’s median', async () => {
    const response = await page('/routemap/fellshire-fire/compare');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Median of the place');
    expect(response.body).toContain('fill="#f47738"');
  });

  it('refuses citizens, and staff of another organisation its own pages', async () => {
    const account = citizen();
    const cookie = await signIn(t.app, account.email, account.password);
    const refused = await t.app.inject({
      url: '/routemap/benchmark',
      headers: { accept: 'text/html', cookie },
    });
    expect(refused.statusCode).toBe(403);
    expect((await page('/routemap/fellshire-fire/actions', 'staff at ashby-vale-dc')).statusCode).toBe(403);
  });
});

/** The manage page's multipart form with one file, as a browser sends it. */
async function uploadTo(kind: 'framework' | 'benchmark', text: string, roles: string) {
  const token = csrfOf((await page('/routemap/manage', roles)).body);
  const boundary = 'manageboundary';
  const payload =
    `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="${kind}"; filename="${kind}.csv"\r\nContent-Type: text/csv\r\n\r\n${text}\r\n--${boundary}--\r\n`;
  return t.app.inject({
    method: 'POST',
    url: `/routemap/manage/${kind}`,
    headers: {
      accept: 'text/html',
      cookie: await as(emailOf(roles)),
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload,
  });
}

describe('an administrator managing the routemap', () => {
  const ADMIN = 'admin at fellshire-cc';

  it('imports another place’s benchmark from its file, refusing a bad one line by line and anyone else', async () => {
    const published = (await page('/routemap/benchmark.csv', 'staff at ashby-vale-dc')).body;
    const other = published.replaceAll('Fellshire,', 'Dalesborough,');
    const bad = `${other.trim()}\nDalesborough,Somewhere,${other.split('\n')[1]?.split(',')[2]},leadership,8,2026-01-01\n`;
    const lines = bad.trim().split('\n').length;
    const refused = await uploadTo('benchmark', bad, ADMIN);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain(`Line ${lines}: the score must be a whole number from 1 to 5`);
    expect((await uploadTo('benchmark', other, 'manager at fellshire-fire')).statusCode).toBe(403);
    const imported = await uploadTo('benchmark', other, ADMIN);
    expect(imported.statusCode).toBe(303);
    expect((await page('/routemap/manage', ADMIN)).body).toContain('Imported: Dalesborough.');
    expect((await page('/routemap/benchmark', ADMIN)).body).toContain(
      'Median level of each item, place by place',
    );
  });

  it('refuses a framework file that does not parse, adding nothing', async () => {
    const response = await uploadTo('framework', '{"id": "broken', ADMIN);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('The framework file is not JSON');
    expect((await t.services.routemap.frameworks()).map((f) => f.id)).toEqual(['routemap-2026.1']);
  });
});

describe('an action plan', () => {
  it.each([
    [{ item: '' }, 'Choose the item of the framework'],
    [{ title: ' ' }, 'Enter what will be done'],
    [{ ownerEmail: 'sam@' }, 'Enter the owner’s email address'],
    [{ dueDay: '31', dueMonth: '2' }, 'Enter the due date as a real date'],
    [{ dueYear: '2020' }, 'The due date must be today or in the future'],
    [{ partners: ['nowhere-council'] }, 'There is no organisation nowhere-council'],
  ])('refuses %j with "%s", saving nothing', async (change, message) => {
    const before = await count('routemap_actions');
    const response = await post('/routemap/fellshire-fire/actions', { ...action, ...change });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('govuk-error-summary');
    expect(response.body).toContain(message);
    expect(await count('routemap_actions')).toBe(before);
  });

  it('adds a joint action that the partner sees too, and changes its status', async () => {
    const response = await post('/routemap/fellshire-fire/actions', action);
    expect(response.statusCode).toBe(303);
    const partner = await page('/routemap/fellshire-police/actions', 'staff at fellshire-police');
    expect(partner.body).toContain(action.title);
    const plan = await t.services.routemap.actions.list(
      await t.services.identity.actorByEmail(emailOf(MANAGER)),
      'fellshire-fire',
    );
    const added = plan.actions.find((a) => a.title === action.title);
    expect(added).toMatchObject({ partners: ['fellshire-police'], status: 'planned' });
    const changed = await post(`/routemap/fellshire-fire/actions/${added?.id}`, { status: 'in_progress' });
    expect(changed.statusCode).toBe(303);
    const refused = await post(`/routemap/fellshire-fire/actions/${added?.id}`, { status: 'finished' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Choose planned, in progress or done');
  });

  it('reminds the owner of an overdue action once, through the outbox', async () => {
    const before = await count('notification_outbox');
    expect(await t.services.routemap.actions.remindOverdue()).toBe(0);
    t.clock.wait(400 * 86_400_000);
    const reminded = await t.services.routemap.actions.remindOverdue();
    expect(reminded).toBeGreaterThanOrEqual(4);
    const { rows } = await sql<{ recipient: string; template: string }>`
      SELECT recipient, template FROM notification_outbox ORDER BY created_at DESC LIMIT ${reminded}`.execute(
      t.services.database.db,
    );
    expect(rows.map((r) => r.recipient)).toContain(action.ownerEmail);
    expect(new Set(rows.map((r) => r.template))).toEqual(new Set(['routemap-action-overdue']));
    expect(await count('notification_outbox')).toBe(before + reminded);
    expect(await t.services.routemap.actions.remindOverdue()).toBe(0);
  });
});
