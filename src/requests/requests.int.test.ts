// The front door through HTTP against the real database: routing, cases, referrals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  administrator,
  demoAccount,
  postOpen311Request,
  signIn,
  type TestContext,
  testApp,
} from '../../test/support.ts';
import { demoPoints } from '../places/index.ts';

let t: TestContext;
const cookies: Record<string, string> = {};
const KEY = 'test-open311-key';

async function as(roles: string) {
  if (!cookies[roles]) {
    const account = demoAccount((c) => c.roles === roles);
    cookies[roles] = await signIn(t.app, account.email, account.password);
  }
  return cookies[roles];
}

async function report(service: string, point: readonly number[], extra: Record<string, string> = {}) {
  const response = await postOpen311Request(t.app, {
    api_key: KEY,
    service_code: service,
    lat: String(point[1]),
    long: String(point[0]),
    ...extra,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json()[0].service_request_id as string;
}

async function caseId(reference: string, roles: string) {
  const inbox = await t.app.inject({ url: '/api/v1/cases', headers: { cookie: await as(roles) } });
  return inbox.json().find((c: { reference: string }) => c.reference === reference)?.id as string | undefined;
}

beforeAll(async () => {
  t = await testApp();
  await t.services.requests.issueApiKey('Test client', KEY);
});
afterAll(() => t?.close());

describe('GET /api/v1/route', () => {
  it('answers which organisation and why, for a pothole and a missed bin in a two-tier district', async () => {
    const [lon, lat] = demoPoints.ashbyVale;
    const pothole = await t.app.inject({ url: `/api/v1/route?service=pothole&lat=${lat}&lon=${lon}` });
    expect(pothole.statusCode).toBe(200);
    expect(pothole.json()).toMatchObject({
      organisation: { ref: 'fellshire-cc', name: 'Fellshire County Council' },
      area: { ref: 'ashby-vale' },
      basis: 'coverage',
    });
    const bin = await t.app.inject({ url: `/api/v1/route?service=missed-bin&lat=${lat}&lon=${lon}` });
    expect(bin.json().organisation.ref).toBe('ashby-vale-dc');
    expect(bin.json().explanation).toContain('district council function');
  });

  it('refuses a point outside the place and an unknown service, as problem+json', async () => {
    const [lon, lat] = demoPoints.outside;
    const outside = await t.app.inject({ url: `/api/v1/route?service=pothole&lat=${lat}&lon=${lon}` });
    expect(outside.statusCode).toBe(400);
    expect(outside.headers['content-type']).toContain('application/problem+json');
    expect(outside.json().detail).toBe('The location is outside Fellshire: we cannot take reports there');
    const unknown = await t.app.inject({ url: `/api/v1/route?service=no-such-thing&lat=52.2&lon=-2.2` });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toContain('There is no service with the code no-such-thing');
  });

  it('follows an override a manager of the responsible district sets, and refuses one from plain staff', async () => {
    const override = {
      service: 'bulky-waste',
      area: 'northmoor',
      organisation: 'fellshire-cc',
      reason: 'County-wide bulky waste contract',
    };
    const refused = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/route/overrides',
      headers: { cookie: await as('staff at northmoor-dc') },
      payload: override,
    });
    expect(refused.statusCode).toBe(403);
    const set = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/route/overrides',
      headers: { cookie: await as('manager at northmoor-dc') },
      payload: override,
    });
    expect(set.statusCode).toBe(204);
    const [lon, lat] = demoPoints.northmoor;
    const routed = await t.app.inject({ url: `/api/v1/route?service=bulky-waste&lat=${lat}&lon=${lon}` });
    expect(routed.json()).toMatchObject({ organisation: { ref: 'fellshire-cc' }, basis: 'override' });
    expect(routed.json().explanation).toContain('County-wide bulky waste contract');
  });
});

describe('cases for staff', () => {
  it("puts each request in the responsible organisation's inbox only", async () => {
    const pothole = await report('pothole', demoPoints.ashbyVale, { 'attribute[size]': 'large' });
    const bin = await report('missed-bin', demoPoints.ashbyVale, { 'attribute[bin]': 'recycling' });
    expect(await caseId(pothole, 'staff at fellshire-cc')).toBeDefined();
    expect(await caseId(pothole, 'staff at ashby-vale-dc')).toBeUndefined();
    expect(await caseId(bin, 'staff at ashby-vale-dc')).toBeDefined();
    expect(await caseId(bin, 'staff at fellshire-cc')).toBeUndefined();
  });

  it('refuses another organisation a read of the case, and writes the refusal to the ledger', async () => {
    const bin = await report('missed-bin', demoPoints.northmoor, {
      'attribute[bin]': 'food',
      description: 'Bin at number 4 missed',
    });
    const id = (await caseId(bin, 'staff at northmoor-dc')) as string;
    const refused = await t.app.inject({
      url: `/api/v1/cases/${id}`,
      headers: { cookie: await as('staff at ashby-vale-dc') },
    });
    expect(refused.statusCode).toBe(403);
    const denied = await t.services.governance.ledger.latest('case.read');
    expect(denied).toMatchObject({ decision: 'deny', resource: { type: 'case', id } });
    const allowed = await t.app.inject({
      url: `/api/v1/cases/${id}`,
      headers: { cookie: await as('staff at northmoor-dc') },
    });
    expect(allowed.json().description).toBe('Bin at number 4 missed');
  });

  it('resolves with a reason the public sees, keeps internal notes private, and refuses a resolution without a reason', async () => {
    const reference = await report('pothole', demoPoints.northmoor, { 'attribute[size]': 'small' });
    const cookie = await as('staff at fellshire-cc');
    const id = (await caseId(reference, 'staff at fellshire-cc')) as string;
    const noReason = await t.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${id}/status`,
      headers: { cookie },
      payload: { status: 'resolved', reason: ' ' },
    });
    expect(noReason.statusCode).toBe(400);
    expect((await t.services.requests.publicRequest(reference))?.status).toBe('open');
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${id}/updates`,
      headers: { cookie },
      payload: { kind: 'internal', body: 'Crew says the resident is difficult' },
    });
    const resolved = await t.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${id}/status`,
      headers: { cookie },
      payload: { status: 'resolved', reason: 'Repaired on 3 June' },
    });
    expect(resolved.statusCode).toBe(204);
    const followed = await t.services.requests.follow(reference);
    expect(followed.request.status).toBe('resolved');
    expect(followed.updates.map((u) => u.body)).toEqual(['Repaired on 3 June']);
    const open311 = await t.app.inject({ url: `/open311/v2/requests/${reference}.json` });
    expect(open311.json()[0]).toMatchObject({ status: 'closed', status_notes: 'Repaired on 3 June' });
    expect(open311.body).not.toContain('difficult');
  });

  it('refers a fire service case to the county under the agreement covering cases, and refuses an organisation outside it', async () => {
    const reference = await report('home-fire-safety-visit', demoPoints.ashbyVale, {
      email: 'resident@example.com',
      description: 'Lives alone, uses oxygen at home',
    });
    const fire = await as('manager at fellshire-fire');
    const id = (await caseId(reference, 'manager at fellshire-fire')) as string;
    const refer = (to = 'fellshire-cc') =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/cases/${id}/referrals`,
        headers: { cookie: fire },
        payload: { to, purpose: 'safeguarding', note: 'Vulnerable adult found on a home safety visit' },
      });
    const refused = await refer('fellshire-police');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toBe(
      'No data-sharing agreement in force lets your organisation refer this case to Fellshire Constabulary for safeguarding',
    );
    expect(await t.services.governance.ledger.latest('case.refer')).toMatchObject({ decision: 'deny' });
    expect(
      (await t.app.inject({ url: `/api/v1/cases/${id}`, headers: { cookie: fire } })).json().referrals,
    ).toEqual([]);

    expect((await refer()).statusCode).toBe(204);
    const admin = await t.services.identity.actorByEmail(administrator().email);
    const told = (await t.services.notify.outbox(admin)).rows.filter((r) => r.reference === reference);
    expect(told.map((r) => [r.template, r.recipient]).sort()).toEqual([
      ['referral-received', 'daniel.whitfield@fellshire-cc.example.org'],
      ['request-received', 'resident@example.com'],
      ['request-updated', 'resident@example.com'],
    ]);
    expect(told.find((r) => r.template === 'referral-received')?.personalisation).toEqual({
      reference,
      from: 'Fellshire and Castlebridge Fire and Rescue Service',
      purpose: 'Safeguarding',
    });
    const county = await as('staff at fellshire-cc');
    const referred = await t.app.inject({ url: `/api/v1/cases/${id}`, headers: { cookie: county } });
    expect(referred.statusCode).toBe(200);
    const referral = referred.json().referrals[0];
    expect(referral).toMatchObject({ to: 'fellshire-cc', status: 'pending', mayDecide: true });
    const decline = await t.app.inject({
      method: 'POST',
      url: `/api/v1/referrals/${referral.id}/decision`,
      headers: { cookie: county },
      payload: { accept: false, reason: '' },
    });
    expect(decline.statusCode).toBe(400);
    const accept = await t.app.inject({
      method: 'POST',
      url: `/api/v1/referrals/${referral.id}/decision`,
      headers: { cookie: county },
      payload: { accept: true, reason: '' },
    });
    expect(accept.statusCode).toBe(204);
    const followed = await t.services.requests.follow(reference);
    expect(followed.updates.map((u) => u.body)).toContain(
      'We have referred your request to Fellshire County Council.',
    );
  });
});
