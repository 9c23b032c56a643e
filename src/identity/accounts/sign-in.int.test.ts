import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  citizen,
  cookieHeader,
  demoAccount,
  signIn,
  type TestContext,
  testApp,
} from '../../../test/support.ts';

let t: TestContext;
const logs: string[] = [];

beforeAll(async () => {
  const stream = new PassThrough();
  stream.on('data', (chunk) => logs.push(String(chunk)));
  t = await testApp({ LOG_LEVEL: 'trace' }, stream);
});
afterAll(() => t.close());

const html = { accept: 'text/html' };

async function signInForm() {
  const form = await t.app.inject({ url: '/sign-in', headers: html });
  return {
    token: /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '',
    jar: cookieHeader(form.cookies),
  };
}

async function postSignIn(
  fields: Record<string, string>,
  options: { token?: string; jar?: string; from?: string } = {},
) {
  const form = await signInForm();
  return t.app.inject({
    method: 'POST',
    url: '/sign-in',
    remoteAddress: options.from ?? '127.0.0.1',
    headers: {
      ...html,
      cookie: options.jar ?? form.jar,
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: new URLSearchParams({ _csrf: options.token ?? form.token, ...fields }).toString(),
  });
}

describe('signing in and out', () => {
  it('signs a citizen in with a session cookie that is HttpOnly and SameSite=Lax', async () => {
    const { email, password } = citizen();
    const response = await postSignIn({ email, password });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/home');
    const cookie = response.cookies.find((c) => c.name === 'flagstone_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.secure).toBeFalsy();
  });

  it('marks the session cookie Secure behind HTTPS', async () => {
    const secure = await testApp({ TRUST_PROXY: 'true' });
    try {
      const form = await secure.app.inject({
        url: '/sign-in',
        headers: { ...html, 'x-forwarded-proto': 'https' },
      });
      const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
      const response = await secure.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: {
          ...html,
          'x-forwarded-proto': 'https',
          cookie: cookieHeader(form.cookies),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams({ _csrf: token, ...citizen() }).toString(),
      });
      expect(response.cookies.find((c) => c.name === 'flagstone_session')?.secure).toBe(true);
    } finally {
      await secure.close();
    }
  });

  it('shows a citizen their home and staff their organisations', async () => {
    const asCitizen = await signIn(t.app, citizen().email, citizen().password);
    const home = await t.app.inject({ url: '/account', headers: { ...html, cookie: asCitizen } });
    expect(home.body).toContain('Your account');
    expect(home.body).toContain(citizen().name);

    const manager = demoAccount((c) => c.roles === 'manager at ashby-vale-dc');
    const asStaff = await signIn(t.app, manager.email, manager.password);
    const staffHome = await t.app.inject({ url: '/staff', headers: { ...html, cookie: asStaff } });
    expect(staffHome.body).toContain('Ashby Vale District Council');
    expect(staffHome.body).toContain('Manager');
    const redirect = await t.app.inject({ url: '/home', headers: { ...html, cookie: asStaff } });
    expect(redirect.headers.location).toBe('/staff');
  });

  it('sends someone not signed in from a home page to sign in', async () => {
    const response = await t.app.inject({ url: '/account', headers: html });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/sign-in');
  });

  it('refuses a wrong password with the error summary, keeping the email and opening no session', async () => {
    const response = await postSignIn({ email: citizen().email, password: 'not-the-password' });
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('govuk-error-summary');
    expect(response.body).toContain('Enter a correct email address and password');
    expect(response.body).toContain(`value="${citizen().email}"`);
    expect(response.cookies.find((c) => c.name === 'flagstone_session')).toBeUndefined();
  });

  it('names each missing or malformed field in the error summary, linking to it', async () => {
    const response = await postSignIn({ email: 'not-an-email', password: '' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('href="#email"');
    expect(response.body).toContain('Enter an email address in the correct format, like name@example.com');
    expect(response.body).toContain('href="#password"');
    expect(response.body).toContain('Enter your password');
    expect(response.body).toContain('value="not-an-email"');
  });

  it('refuses a form without a valid CSRF token, and signs nobody in', async () => {
    const response = await postSignIn({ ...citizen() }, { token: 'forged' });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('The form has expired');
    expect(response.cookies.find((c) => c.name === 'flagstone_session')).toBeUndefined();
  });

  it('throttles an address guessing at an account, in the ledger, while the owner elsewhere still signs in', async () => {
    const account = demoAccount((c) => c.roles === 'staff at northmoor-dc');
    const guesser = '203.0.113.7';
    for (let i = 0; i < 5; i++) {
      const wrong = await postSignIn({ email: account.email, password: `wrong-${i}` }, { from: guesser });
      expect(wrong.statusCode).toBe(401);
    }
    const throttled = async () =>
      Number(
        (
          await t.services.database.pool.query(
            `SELECT count(*) FROM audit_ledger WHERE action = 'sign-in.throttled' AND decision = 'deny'`,
          )
        ).rows[0].count,
      );
    const before = await throttled();
    // The guessing address is refused even the right password, and the refusal is in the ledger ...
    const blocked = await postSignIn({ email: account.email, password: account.password }, { from: guesser });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain('too many times');
    expect(blocked.cookies.find((c) => c.name === 'flagstone_session')).toBeUndefined();
    expect(await throttled()).toBe(before + 1);
    // ... but the account is not locked: its owner, from their own address, signs in (and is sent
    // on to set up the second factor every member of staff must have).
    const owner = await postSignIn(
      { email: account.email, password: account.password },
      { from: '198.51.100.9' },
    );
    expect(owner.statusCode).toBe(303);
    expect(owner.cookies.find((c) => c.name === 'flagstone_session')?.value).toBeTruthy();
  });

  it('ends the session on sign out, so the old cookie no longer works', async () => {
    const cookie = await signIn(t.app, citizen().email, citizen().password);
    const page = await t.app.inject({ url: '/account', headers: { ...html, cookie } });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const out = await t.app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { ...html, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(token)}`,
    });
    expect(out.statusCode).toBe(303);
    const after = await t.app.inject({ url: '/account', headers: { ...html, cookie } });
    expect(after.headers.location).toBe('/sign-in');
  });

  it('never writes passwords or session ids to the logs', async () => {
    const cookie = await signIn(t.app, citizen().email, citizen().password);
    await t.app.inject({ url: '/account', headers: { ...html, cookie } });
    const sessionId = /flagstone_session=([^;]+)/.exec(cookie)?.[1] ?? '';
    const all = logs.join('');
    expect(all.length).toBeGreaterThan(1000);
    expect(all).not.toContain(citizen().password);
    expect(all).not.toContain(sessionId);
    expect(all).not.toContain(citizen().email);
  });
});
