// Levels: staff must use a second factor by default (FLAGSTONE_STAFF_SECOND_FACTOR), and a
// session signed in with a password alone is sent to step up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cookieHeader,
  demoAccount,
  nextTotpCode,
  rememberAuthenticator,
  secretOnPage,
  signIn,
  type TestContext,
  testApp,
} from '../../../test/support.ts';

let t: TestContext;
const worker = () => demoAccount((c) => c.roles === 'staff at castlebridge-council');

beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

async function passwordOnly(email: string, password: string) {
  const form = await t.app.inject({ method: 'GET', url: '/sign-in', headers: { accept: 'text/html' } });
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const jar = cookieHeader(form.cookies);
  const response = await t.app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { accept: 'text/html', cookie: jar, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email, password, _csrf: token }).toString(),
  });
  return { response, cookie: `${jar}; ${cookieHeader(response.cookies)}` };
}

describe('staff and the second factor', () => {
  it('sends staff signed in with a password alone to set one up, and refuses the API meanwhile', async () => {
    const { cookie } = await passwordOnly(worker().email, worker().password);
    const home = await t.app.inject({
      method: 'GET',
      url: '/staff',
      headers: { accept: 'text/html', cookie },
    });
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe('/account/step-up?next=%2Fstaff');
    const stepUp = await t.app.inject({
      method: 'GET',
      url: '/account/step-up?next=%2Fstaff',
      headers: { accept: 'text/html', cookie },
    });
    expect(stepUp.headers.location).toBe('/account/second-factor?next=%2Fstaff');
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(api.statusCode).toBe(403);
  });

  it('lets staff in once they have entered a code, at the second-factor level', async () => {
    const cookie = await signIn(t.app, worker().email, worker().password);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.json()).toMatchObject({ kind: 'staff', authLevel: 'second_factor' });
    // Next time, the code is asked for after the password.
    const again = await passwordOnly(worker().email, worker().password);
    expect(again.response.body).toContain('Enter the code from your authenticator app');
    expect(await nextTotpCode(t.app, worker().email)).toMatch(/^\d{6}$/);
  });

  it('does not ask citizens for one', async () => {
    const amina = demoAccount((c) => c.email === 'amina.khan@example.com');
    const { cookie } = await passwordOnly(amina.email, amina.password);
    const home = await t.app.inject({
      method: 'GET',
      url: '/account',
      headers: { accept: 'text/html', cookie },
    });
    expect(home.statusCode).toBe(200);
  });
});

describe('when the second factor is optional for staff', () => {
  let relaxed: TestContext;
  const manager = () => demoAccount((c) => c.roles === 'manager at ashby-vale-dc');
  const page = (url: string, cookie: string, headers: Record<string, string> = {}) =>
    relaxed.app.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie, ...headers } });

  beforeAll(async () => {
    relaxed = await testApp({ FLAGSTONE_STAFF_SECOND_FACTOR: 'optional' });
  });
  afterAll(() => relaxed?.close());

  it('lets staff in with a password, and still lets them step up', async () => {
    const cookie = await signIn(relaxed.app, worker().email, worker().password);
    expect((await page('/staff', cookie)).statusCode).toBe(200);
    const stepUp = await page('/account/step-up?next=%2Fstaff', cookie);
    expect(stepUp.headers.location).toBe('/account/second-factor?next=%2Fstaff');
  });

  it('sends staff to step up before the information governance pages', async () => {
    const officer = demoAccount((c) => c.roles === 'ig_officer at castlebridge-council');
    const cookie = await signIn(relaxed.app, officer.email, officer.password);
    const governance = await page('/governance/agreements', cookie);
    expect(governance.statusCode).toBe(303);
    expect(governance.headers.location).toBe('/account/step-up?next=%2Fgovernance%2Fagreements');
    const api = await relaxed.app.inject({ method: 'GET', url: '/governance', headers: { cookie } });
    expect(api.statusCode).toBe(403);
  });

  it('refuses break-glass at the password level, sends the person to step up, then allows it', async () => {
    const police = demoAccount((c) => c.roles === 'manager at fellshire-police');
    const policeCookie = await signIn(relaxed.app, police.email, police.password);
    const found = await relaxed.app.inject({
      method: 'GET',
      url: '/api/v1/records?name=price',
      headers: { cookie: policeCookie },
    });
    const record = found.json()[0].id as string;
    const cookie = await signIn(relaxed.app, manager().email, manager().password);
    const reason = encodeURIComponent('Person found unconscious at the council office');
    const before = await ledgerSize(relaxed);

    // The policy asks for a second factor: the API refuses, and nothing is read.
    const api = await relaxed.app.inject({
      method: 'GET',
      url: `/api/v1/records/${record}?breakGlassReason=${reason}`,
      headers: { cookie },
    });
    expect(api.statusCode).toBe(403);
    expect(api.json().detail).toBe(
      'Emergency access needs a second factor: sign in with one, then try again',
    );
    // The page's form goes to step up, and back to the page it was sent from.
    const form = await relaxed.app.inject({
      method: 'POST',
      url: `/records/${record}/emergency`,
      headers: {
        accept: 'text/html',
        cookie,
        referer: `http://localhost:80/records/${record}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: `reason=${reason}`,
    });
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe(`/account/step-up?next=${encodeURIComponent(`/records/${record}`)}`);
    expect(await ledgerSize(relaxed)).toBe(before + 1); // the refusal only

    const stepped = await stepUp(relaxed, cookie, manager().email);
    const glass = await relaxed.app.inject({
      method: 'GET',
      url: `/api/v1/records/${record}?breakGlassReason=${reason}`,
      headers: { cookie: stepped },
    });
    expect(glass.statusCode).toBe(200);
  });
});

async function ledgerSize(app: TestContext): Promise<number> {
  return Number((await app.services.database.pool.query('SELECT count(*) FROM audit_ledger')).rows[0].count);
}

/** Sets up an authenticator app through the account pages, which steps this session up. */
async function stepUp(app: TestContext, cookie: string, email: string): Promise<string> {
  const setUp = await app.app.inject({
    method: 'GET',
    url: '/account/second-factor',
    headers: { accept: 'text/html', cookie },
  });
  const secret = secretOnPage(setUp.body) ?? '';
  rememberAuthenticator(app.app, email, secret);
  const withCsrf = `${cookie}; ${cookieHeader(setUp.cookies)}`;
  const done = await app.app.inject({
    method: 'POST',
    url: '/account/second-factor',
    headers: { accept: 'text/html', cookie: withCsrf, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      code: await nextTotpCode(app.app, email),
      _csrf: /name="_csrf" value="([^"]+)"/.exec(setUp.body)?.[1] ?? '',
    }).toString(),
  });
  expect(done.statusCode).toBe(303);
  return withCsrf;
}
