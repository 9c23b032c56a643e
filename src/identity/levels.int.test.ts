// Levels: staff must use a second factor by default (FLAGSTONE_STAFF_SECOND_FACTOR), and a
// session signed in with a password alone is sent to step up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cookieHeader,
  demoAccount,
  nextTotpCode,
  signIn,
  type TestContext,
  testApp,
} from '../../test/support.ts';

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
  it('lets staff in with a password, and still lets them step up', async () => {
    process.env.FLAGSTONE_STAFF_SECOND_FACTOR = 'optional';
    const relaxed = await testApp().finally(() => {
      delete process.env.FLAGSTONE_STAFF_SECOND_FACTOR;
    });
    try {
      const form = await relaxed.app.inject({
        method: 'GET',
        url: '/sign-in',
        headers: { accept: 'text/html' },
      });
      const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
      const jar = cookieHeader(form.cookies);
      const response = await relaxed.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { accept: 'text/html', cookie: jar, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          email: worker().email,
          password: worker().password,
          _csrf: token,
        }).toString(),
      });
      const cookie = `${jar}; ${cookieHeader(response.cookies)}`;
      const home = await relaxed.app.inject({
        method: 'GET',
        url: '/staff',
        headers: { accept: 'text/html', cookie },
      });
      expect(home.statusCode).toBe(200);
      const stepUp = await relaxed.app.inject({
        method: 'GET',
        url: '/account/step-up?next=%2Fstaff',
        headers: { accept: 'text/html', cookie },
      });
      expect(stepUp.headers.location).toBe('/account/second-factor?next=%2Fstaff');
    } finally {
      await relaxed.close();
    }
  });
});
