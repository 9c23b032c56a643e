// The savings ledger through its pages against the real database: a partner records a saving,
// marks it realised, another partner verifies it and the recorder reverses it with a reason;
// what each bad input gets (nothing saved), who is refused (in the audit ledger), and that the
// database refuses to edit an entry.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, signIn, type TestContext, testApp } from '../../../test/support.ts';

let t: TestContext;
const cookies: Record<string, string> = {};
const COUNTY = 'daniel.whitfield@fellshire-cc.example.org'; // manager at fellshire-cc
const DISTRICT = 'aisha.begum@ashby-vale-dc.example.org'; // manager at ashby-vale-dc
const STAFF = 'grace.okafor@fellshire-cc.example.org';
let savingId = '';

async function as(email: string) {
  cookies[email] ??= await signIn(t.app, email, demoAccount((c) => c.email === email).password);
  return cookies[email];
}
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const page = async (url: string, email = COUNTY) =>
  t.app.inject({ url, headers: { accept: 'text/html', cookie: await as(email) } });
async function post(url: string, form: Record<string, string>, email = COUNTY) {
  const csrf = csrfOf((await page('/outcomes/savings/new', email)).body);
  return t.app.inject({
    method: 'POST',
    url,
    headers: {
      accept: 'text/html',
      cookie: await as(email),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: new URLSearchParams({ _csrf: csrf, ...form }).toString(),
  });
}
const count = async () =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM savings`.execute(t.services.database.db)).rows[0]
    ?.n;

const good = {
  organisation: 'fellshire-cc',
  title: 'One contact centre for county and district',
  description: 'The district’s calls answered by the county’s contact centre',
  evidence: 'Finance report FR-2026-14',
  amount: '120,000',
  recurrence: 'recurring',
  cashable: 'yes',
  year: '2026',
  state: 'planned',
  'share-organisation-1': 'fellshire-cc',
  'share-percent-1': '60',
  'share-organisation-2': 'ashby-vale-dc',
  'share-percent-2': '40',
};

beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

describe('the savings ledger', () => {
  it.each([
    ['shares not adding up to 100%', { 'share-percent-2': '30' }, 'The shares must add up to 100%'],
    ['a negative recurring amount', { amount: '-5000' }, 'A recurring saving cannot be negative'],
    [
      'an unknown organisation',
      { 'share-organisation-2': 'nowhere-council' },
      'Choose the organisation of share 2',
    ],
    ['no evidence', { evidence: '' }, 'Give the evidence'],
  ])('refuses %s with the error summary, nothing saved', async (_name, change, message) => {
    const before = await count();
    const response = await post('/outcomes/savings/new', { ...good, ...change });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('govuk-error-summary');
    expect(response.body).toContain(message);
    expect(await count()).toBe(before);
  });

  it('records a saving shared between two partners, in the audit ledger', async () => {
    const response = await post('/outcomes/savings/new', good);
    expect(response.statusCode).toBe(303);
    savingId = (response.headers.location as string).split('/').at(-1) as string;
    const shown = await page(`/outcomes/savings/${savingId}`);
    expect(shown.body).toContain('£120,000 a year');
    expect(shown.body).toContain('Ashby Vale District Council 40%');
    expect(await t.services.governance.ledger.latest('saving.record')).toMatchObject({
      decision: 'allow',
      policies: ['savings-managers-record'],
      resource: { type: 'saving', id: savingId, organisation: 'fellshire-cc' },
    });
  });

  it('refuses a member of staff who is not a manager, in the ledger, nothing saved', async () => {
    const before = await count();
    const response = await post('/outcomes/savings/new', good, STAFF);
    expect(response.statusCode).toBe(403);
    expect(await count()).toBe(before);
    expect(await t.services.governance.ledger.latest('saving.record')).toMatchObject({ decision: 'deny' });
  });

  it('is marked realised by its recorder; the recorder cannot verify it, another partner does', async () => {
    expect((await post(`/outcomes/savings/${savingId}`, { state: 'realised' })).statusCode).toBe(303);
    const own = await post(`/outcomes/savings/${savingId}`, {
      state: 'verified',
      organisation: 'fellshire-cc',
    });
    expect(own.statusCode).toBe(403);
    expect(await t.services.governance.ledger.latest('saving.verified')).toMatchObject({
      decision: 'deny',
      resource: { type: 'saving', id: savingId, organisation: 'fellshire-cc' },
    });
    const other = await post(
      `/outcomes/savings/${savingId}`,
      { state: 'verified', organisation: 'ashby-vale-dc' },
      DISTRICT,
    );
    expect(other.statusCode).toBe(303);
    expect((await page(`/outcomes/savings/${savingId}`)).body).toContain('Verified');
    const totals = await page('/outcomes/savings');
    expect(totals.body).toContain('£72,000');
    expect(totals.body).toContain('£48,000');
  });

  it('is reversed only with a reason, by a later entry; the database refuses to edit one', async () => {
    const noReason = await post(`/outcomes/savings/${savingId}`, { state: 'reversed', reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Say why the saving is reversed');
    const reversed = await post(`/outcomes/savings/${savingId}`, {
      state: 'reversed',
      reason: 'Counted twice',
    });
    expect(reversed.statusCode).toBe(303);
    const { entries } = await t.services.outcomes.savings.one(savingId);
    expect(entries.map((e) => e.state)).toEqual(['planned', 'realised', 'verified', 'reversed']);
    await expect(sql`UPDATE savings SET amount_pence = 1`.execute(t.services.database.db)).rejects.toThrow(
      'the savings ledger is append-only',
    );
    await expect(sql`DELETE FROM saving_entries`.execute(t.services.database.db)).rejects.toThrow(
      'append-only',
    );
    const again = await post(`/outcomes/savings/${savingId}`, { state: 'realised' });
    expect(again.statusCode).toBe(409);
  });

  it('shows the computed saving of channel shift with the unit costs and their source', async () => {
    const body = (await page('/outcomes/savings')).body;
    expect(body).toContain('Saved by channel shift');
    expect(body).toContain('These are averages, to be replaced by the place’s own costs');
    expect(body).toContain('Socitm');
  });
});

describe('the savings ledger API', () => {
  const api = async (method: 'GET' | 'POST', url: string, body?: object, email = COUNTY) =>
    t.app.inject({
      method,
      url,
      headers: { cookie: await as(email), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });
  const saving = {
    organisation: 'fellshire-cc',
    title: 'Shared legal services',
    description: 'One legal team for the county and the district',
    evidence: 'Contract LS-2026-3',
    cashable: true,
    recurring: false,
    amount: 30000,
    financialYear: 2026,
    shares: [
      { organisation: 'fellshire-cc', percent: 50 },
      { organisation: 'ashby-vale-dc', percent: 50 },
    ],
  };

  it('records a saving and another partner verifies it; the ledger lists it', async () => {
    const created = await api('POST', '/api/v1/savings', { ...saving, state: 'realised' });
    expect(created.statusCode).toBe(201);
    const { id } = JSON.parse(created.body);
    const own = await api('POST', `/api/v1/savings/${id}/entries`, {
      state: 'verified',
      organisation: 'fellshire-cc',
    });
    expect(own.statusCode).toBe(403);
    expect(own.headers['content-type']).toContain('application/problem+json');
    const verified = await api(
      'POST',
      `/api/v1/savings/${id}/entries`,
      { state: 'verified', organisation: 'ashby-vale-dc' },
      DISTRICT,
    );
    expect(verified.statusCode).toBe(204);
    const list = JSON.parse((await api('GET', '/api/v1/savings', undefined, STAFF)).body);
    expect(list.find((x: { id: string }) => x.id === id)).toMatchObject({
      state: 'verified',
      amount: 30000,
      recordedBy: 'fellshire-cc',
      shares: [
        { organisation: 'fellshire-cc', percent: 50 },
        { organisation: 'ashby-vale-dc', percent: 50 },
      ],
    });
  });

  it.each([
    [
      'shares not adding up to 100%',
      { shares: [{ organisation: 'fellshire-cc', percent: 70 }] },
      'share-percent-1',
    ],
    ['a negative recurring amount', { recurring: true, amount: -10 }, 'amount'],
    [
      'an unknown organisation',
      { shares: [{ organisation: 'nowhere-council', percent: 100 }] },
      'share-organisation-1',
    ],
  ])('refuses %s as problem+json, nothing saved', async (_name, change, field) => {
    const before = await count();
    const response = await api('POST', '/api/v1/savings', { ...saving, ...change });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(JSON.parse(response.body))).toContain(field);
    expect(await count()).toBe(before);
  });

  it('is for signed-in staff only', async () => {
    expect((await t.app.inject({ url: '/api/v1/savings' })).statusCode).toBe(401);
  });
});

describe('the saving of channel shift', () => {
  const monthsAgo = (n: number) => {
    const d = new Date();
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 10));
  };
  const made = async (when: Date, assisted: boolean) => {
    const staff = await t.services.identity.actorByEmail(STAFF);
    const lat = 52.3 + Math.random() * 0.01;
    const created = await t.services.requests.submit(
      { service: 'graffiti', lat, lon: -1.68 + Math.random() * 0.01 },
      assisted ? { actor: staff, assisted: 'phone' } : {},
    );
    await sql`UPDATE cases SET requested_at = ${when}, expected_at = ${when} WHERE id = ${created.id}`.execute(
      t.services.database.db,
    );
  };
  const placeTotal = async () => {
    await t.services.outcomes.kpis.recompute();
    const place = (await t.services.outcomes.savings.channelShift()).find((s) => s.organisationId === null);
    const saving = (place?.years ?? []).reduce((n, y) => n + y.saving, 0);
    return Math.round(saving * 100) / 100;
  };

  it('is computed from the requests: contacts moved online against the baseline, at the unit costs', async () => {
    // The baseline: three months of one online and one by phone each.
    for (const n of [4, 3, 2]) {
      await made(monthsAgo(n), false);
      await made(monthsAgo(n), true);
    }
    // Last month three online and one by phone: one contact moved, £4.00 less £0.14.
    for (const assisted of [false, false, false, true]) await made(monthsAgo(1), assisted);
    expect(await placeTotal()).toBeCloseTo(3.86, 2);
    // Another online: half a contact more moved.
    await made(monthsAgo(1), false);
    expect(await placeTotal()).toBeCloseTo(5.79, 2);
  });
});
