// Acting on someone's behalf: a citizen lets a carer or an advice charity act for them, for
// chosen services, until a date; revocable; shown on both sides; both people in the ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeader, demoAccount, signIn, type TestContext, testApp } from '../../../test/support.ts';
import { actFor } from './rules.ts';

let t: TestContext;
const amina = () => demoAccount((c) => c.email === 'amina.khan@example.com');
const tom = () => demoAccount((c) => c.email === 'tom.price@example.com');
const adviser = () => demoAccount((c) => c.roles === 'staff at fellside-advice');
const nextYear = () => {
  const d = new Date(Date.now() + 200 * 86_400_000);
  return {
    day: String(d.getUTCDate()),
    month: String(d.getUTCMonth() + 1),
    year: String(d.getUTCFullYear()),
  };
};

beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

async function page(cookie: string, url: string) {
  return t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie } });
}

async function post(cookie: string, url: string, form: Record<string, string | string[]>, from = url) {
  const before = await page(cookie, from);
  const token = /name="_csrf" value="([^"]+)"/.exec(before.body)?.[1] ?? '';
  const jar = `${cookie}; ${cookieHeader(before.cookies)}`;
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...form, _csrf: token })) {
    for (const value of ([] as string[]).concat(v)) body.append(k, value);
  }
  const response = await t.app.inject({
    method: 'POST',
    url,
    headers: { accept: 'text/html', cookie: jar, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
  return { response, jar: `${jar}; ${cookieHeader(response.cookies)}` };
}

async function grant(cookie: string, form: Record<string, string | string[]>) {
  const { day, month, year } = nextYear();
  return post(
    cookie,
    '/account/acting-for-you',
    { 'endsOn-day': day, 'endsOn-month': month, 'endsOn-year': year, ...form },
    '/account/acting-for-you/new',
  );
}

async function ledger(action: string) {
  const { rows } = await t.services.database.pool.query(
    'SELECT body FROM audit_ledger WHERE action = $1 ORDER BY seq',
    [action],
  );
  return rows.map((r) => JSON.parse(r.body));
}

describe('letting someone act for you', () => {
  it('lets a citizen give a carer permission for their data, shown on both sides, with both in the ledger', async () => {
    const citizenCookie = await signIn(t.app, amina().email, amina().password);
    const { response } = await grant(citizenCookie, {
      to: 'person',
      email: tom().email,
      services: 'your-data',
    });
    expect(response.statusCode).toBe(303);
    const mine = await page(citizenCookie, '/account/acting-for-you');
    expect(mine.body).toContain('Tom Price');
    expect(mine.body).toContain('See the records held about you');

    const carerCookie = await signIn(t.app, tom().email, tom().password);
    const theirs = await page(carerCookie, '/acting-for');
    expect(theirs.body).toContain('Amina Khan');
    const id = /action="\/acting-for\/([0-9a-f-]{36})"/.exec(theirs.body)?.[1] ?? '';
    const started = await post(carerCookie, `/acting-for/${id}`, {}, '/acting-for');
    expect(started.response.statusCode).toBe(303);
    expect((await page(started.jar, '/acting-for')).body).toContain('You are acting for Amina Khan');

    // What a page does on the carer's behalf: governance decides as Amina and records both.
    const carer = await t.services.identity.actorByEmail(tom().email);
    if (!carer) throw new Error('no carer');
    carer.delegation = (await t.services.identity.delegations.chosen(carer, id)) ?? undefined;
    const held = await t.services.records.aboutMe(actFor(carer, 'your-data'));
    expect(held.records.length).toBeGreaterThan(0);
    const reads = (await ledger('person-record.read')).filter((e) => e.actingFor);
    expect(reads.length).toBe(held.records.length + held.withheld);
    expect(reads[0]).toMatchObject({
      actor: { account: carer.accountId, kind: 'citizen' },
      actingFor: expect.any(String),
    });
    expect(reads[0].subject).toBe(reads[0].actingFor);
    expect(await ledger('identity.acting_for_started')).toHaveLength(1);
    expect(await ledger('identity.delegation_granted')).toHaveLength(1);

    // Not for a service the permission does not cover: then the carer is only themselves.
    expect(actFor(carer, 'requests').actingFor).toBeUndefined();
  });

  it('lets a citizen give an advice charity permission that its staff see and can use', async () => {
    const citizenCookie = await signIn(t.app, tom().email, tom().password);
    const { response } = await grant(citizenCookie, {
      to: 'organisation',
      organisation: 'fellside-advice',
      services: ['your-data', 'requests'],
    });
    expect(response.statusCode).toBe(303);
    const staffCookie = await signIn(t.app, adviser().email, adviser().password);
    const theirs = await page(staffCookie, '/acting-for');
    expect(theirs.body).toContain('Tom Price');
    expect(theirs.body).toContain('Fellside Advice Network');
    const staff = await t.services.identity.actorByEmail(adviser().email);
    const id = /action="\/acting-for\/([0-9a-f-]{36})"/.exec(theirs.body)?.[1] ?? '';
    if (!staff) throw new Error('no adviser');
    expect(await t.services.identity.delegations.chosen(staff, id)).toMatchObject({ name: 'Tom Price' });
  });

  it('stops at once when the citizen revokes it', async () => {
    const citizenCookie = await signIn(t.app, amina().email, amina().password);
    const mine = await page(citizenCookie, '/account/acting-for-you');
    const id = /action="\/account\/acting-for-you\/([0-9a-f-]{36})\/stop"/.exec(mine.body)?.[1] ?? '';
    const { response } = await post(
      citizenCookie,
      `/account/acting-for-you/${id}/stop`,
      {},
      '/account/acting-for-you',
    );
    expect(response.statusCode).toBe(303);
    expect((await page(citizenCookie, '/account/acting-for-you')).body).toContain('Stopped');
    const carerCookie = await signIn(t.app, tom().email, tom().password);
    expect((await page(carerCookie, '/acting-for')).body).not.toContain('Amina Khan');
    const carer = await t.services.identity.actorByEmail(tom().email);
    if (!carer) throw new Error('no carer');
    expect(await t.services.identity.delegations.chosen(carer, id)).toBeNull();
    const refused = await post(carerCookie, `/acting-for/${id}`, {}, '/acting-for');
    expect(refused.response.statusCode).toBe(403);
    expect(await ledger('identity.delegation_revoked')).toHaveLength(1);
  });

  it('shows what is wrong with a form missing who, what and a real date, and gives nothing', async () => {
    const citizenCookie = await signIn(t.app, amina().email, amina().password);
    const before = (await ledger('identity.delegation_granted')).length;
    const { response } = await post(
      citizenCookie,
      '/account/acting-for-you',
      { 'endsOn-day': '31', 'endsOn-month': '2', 'endsOn-year': '2030' },
      '/account/acting-for-you/new',
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('href="#to"');
    expect(response.body).toContain('href="#services"');
    expect(response.body).toContain('Enter a real date');
    const unknown = await grant(citizenCookie, {
      to: 'person',
      email: 'nobody@example.com',
      services: 'your-data',
    });
    expect(unknown.response.statusCode).toBe(400);
    expect(unknown.response.body).toContain('There is no account with this email address');
    expect(unknown.response.body).toContain('value="nobody@example.com"');
    expect(await ledger('identity.delegation_granted')).toHaveLength(before);
  });

  it('is only for citizens to give', async () => {
    const staffCookie = await signIn(t.app, adviser().email, adviser().password);
    expect((await page(staffCookie, '/account/acting-for-you')).statusCode).toBe(403);
  });
});
