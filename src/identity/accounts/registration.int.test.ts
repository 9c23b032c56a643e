// Registering and resetting a password through the pages, against the real database: what each
// bad input gets (and that it changes nothing), that no answer says whether an address has an
// account, that links work once and expire, the hourly limit, and the ledger entries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizen, cookieHeader, type TestContext, testApp } from '../../../test/support.ts';

let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const html = { accept: 'text/html' };

/** Gets a page's form and posts it with its CSRF token and cookies. */
async function post(page: string, url: string, fields: Record<string, string>) {
  const form = await t.app.inject({ url: page, headers: html });
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  return t.app.inject({
    method: 'POST',
    url,
    headers: {
      ...html,
      cookie: cookieHeader(form.cookies),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
  });
}

const sql = async (text: string, values: unknown[] = []) =>
  (await t.services.database.pool.query(text, values)).rows;
const emails = (to: string) =>
  sql('SELECT template, personalisation FROM notification_outbox WHERE recipient = $1 ORDER BY created_at', [
    to,
  ]);
const tokenIn = (link: string) => new URL(link).searchParams.get('token') ?? '';
const register = (email: string, extra: Record<string, string> = {}) =>
  post('/register', '/register', {
    name: 'Robin Ellis',
    email,
    password: 'correct horse battery',
    confirmPassword: 'correct horse battery',
    ...extra,
  });

describe('registering', () => {
  it('refuses a form with problems, naming each field, and sends nothing', async () => {
    const response = await register('not-an-address', {
      name: ' ',
      password: 'short',
      confirmPassword: 'short',
    });
    expect(response.statusCode).toBe(400);
    for (const text of [
      'Enter your name',
      'Enter an email address in the correct format',
      'at least 10 characters',
    ])
      expect(response.body).toContain(text);
    const mismatch = await register('robin@example.net', { confirmPassword: 'something else entirely' });
    expect(mismatch.body).toContain('Enter the same password twice');
    expect(await emails('robin@example.net')).toEqual([]);
  });

  it('answers the same for an address with an account, emailing its owner instead of a link', async () => {
    const { email } = citizen();
    const fresh = await register('new.person@example.net');
    const used = await register(email);
    expect(used.statusCode).toBe(200);
    const main = (body: string, address: string) =>
      /<main[\s\S]*<\/main>/.exec(body)?.[0].replaceAll(address, 'ADDRESS');
    expect(main(used.body, email)).toBe(main(fresh.body, 'new.person@example.net'));
    expect((await emails(email)).map((e) => e.template)).toEqual(['account-already-registered']);
    expect((await emails('new.person@example.net')).map((e) => e.template)).toEqual([
      'account-confirm-email',
    ]);
  });

  it('makes the account only when the link is followed, once, signed in', async () => {
    await register('ash.green@example.net');
    const [mail] = await emails('ash.green@example.net');
    const token = tokenIn(mail.personalisation.link);
    expect(await t.services.identity.actorByEmail('ash.green@example.net')).toBeNull();
    const confirmed = await post(`/register/confirm?token=${token}`, '/register/confirm', { token });
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.cookies.find((c) => c.name === 'flagstone_session')).toMatchObject({
      value: expect.stringMatching(/^\S{20,}$/),
      httpOnly: true,
    });
    const actor = await t.services.identity.actorByEmail('ash.green@example.net');
    expect(actor).toMatchObject({ kind: 'citizen', name: 'Robin Ellis' });
    const again = await post(`/register/confirm?token=${token}`, '/register/confirm', { token });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('This link has expired or has already been used');
    const entries = await sql(`SELECT action FROM audit_ledger WHERE subject_account_id = $1 ORDER BY seq`, [
      actor?.accountId,
    ]);
    expect(entries.map((e) => e.action)).toContain('account.registered');
  });

  it('sends an address at most three links an hour, answering the same', async () => {
    for (let i = 0; i < 5; i++) expect((await register('many@example.net')).statusCode).toBe(200);
    expect(await emails('many@example.net')).toHaveLength(3);
  });
});

describe('resetting a forgotten password', () => {
  it('sends nothing for an unknown address, with the same answer', async () => {
    const unknown = await post('/forgotten-password', '/forgotten-password', { email: 'nobody@example.net' });
    expect(unknown.statusCode).toBe(200);
    expect(unknown.body).toContain('Check your email');
    expect(await emails('nobody@example.net')).toEqual([]);
    const bad = await post('/forgotten-password', '/forgotten-password', { email: 'nobody' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter an email address in the correct format');
  });

  it('changes the password by a link used once, and refuses an expired link', async () => {
    const { email, password } = citizen();
    await post('/forgotten-password', '/forgotten-password', { email });
    const link = (await emails(email)).filter((e) => e.template === 'account-reset-password').at(-1);
    const token = tokenIn(link?.personalisation.link);
    const weak = await post(`/reset-password?token=${token}`, '/reset-password', {
      token,
      password: 'x',
      confirmPassword: 'x',
    });
    expect(weak.statusCode).toBe(400);
    expect(await t.services.identity.signIn(email, password)).not.toBeNull(); // unchanged
    const fields = { token, password: 'a brand new password', confirmPassword: 'a brand new password' };
    expect((await post(`/reset-password?token=${token}`, '/reset-password', fields)).statusCode).toBe(200);
    expect(await t.services.identity.signIn(email, password)).toBeNull();
    expect(await t.services.identity.signIn(email, 'a brand new password')).not.toBeNull();
    const reused = await post('/forgotten-password', '/reset-password', fields);
    expect(reused.body).toContain('This link has expired or has already been used');

    await post('/forgotten-password', '/forgotten-password', { email });
    const later = (await emails(email)).filter((e) => e.template === 'account-reset-password').at(-1);
    t.clock.wait(61 * 60_000);
    const late = tokenIn(later?.personalisation.link);
    expect((await t.app.inject({ url: `/reset-password?token=${late}`, headers: html })).statusCode).toBe(
      400,
    );
    expect(await t.services.identity.signIn(email, 'a brand new password')).not.toBeNull();
  });
});

describe('changing the password and the email address', () => {
  /** Signs in through the form: the cookies of the session. */
  async function signInAs(email: string, password: string) {
    const form = await t.app.inject({ url: '/sign-in', headers: html });
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const signedIn = await t.app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: {
        ...html,
        cookie: cookieHeader(form.cookies),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({ _csrf: token, email, password }).toString(),
    });
    return `${cookieHeader(form.cookies)}; ${cookieHeader(signedIn.cookies)}`;
  }
  /** A new citizen, signed in. */
  async function newCitizen(email: string, password = 'first long password') {
    await t.services.identity.createAccount({ kind: 'citizen', email, name: 'Kit Moss', password });
    return signInAs(email, password);
  }
  const postAs = async (cookie: string, url: string, fields: Record<string, string>) => {
    const form = await t.app.inject({ url, headers: { ...html, cookie } });
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    return t.app.inject({
      method: 'POST',
      url,
      headers: { ...html, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
    });
  };

  it('needs the current password, keeps this session and ends the others', async () => {
    const here = await newCitizen('kit.moss@example.net');
    const elsewhere = await signInAs('kit.moss@example.net', 'first long password');
    const wrong = await postAs(here, '/account/password', {
      current: 'not it at all',
      password: 'second long password',
      confirmPassword: 'second long password',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Enter your current password');
    const changed = await postAs(here, '/account/password', {
      current: 'first long password',
      password: 'second long password',
      confirmPassword: 'second long password',
    });
    expect(changed.body).toContain('Your password has been changed');
    expect((await t.app.inject({ url: '/account', headers: { ...html, cookie: here } })).statusCode).toBe(
      200,
    );
    expect(
      (await t.app.inject({ url: '/account', headers: { ...html, cookie: elsewhere } })).statusCode,
    ).not.toBe(200);
    expect(await t.services.identity.signIn('kit.moss@example.net', 'second long password')).not.toBeNull();
  });

  it('changes the address only when the link sent to the new one is followed', async () => {
    const cookie = await newCitizen('jo.reed@example.net');
    const refused = await postAs(cookie, '/account/email', { email: 'jo.new@example.net', current: 'wrong' });
    expect(refused.statusCode).toBe(400);
    expect(await emails('jo.new@example.net')).toEqual([]);
    const asked = await postAs(cookie, '/account/email', {
      email: 'jo.new@example.net',
      current: 'first long password',
    });
    expect(asked.body).toContain('Check your email');
    expect(await t.services.identity.actorByEmail('jo.reed@example.net')).not.toBeNull();
    const [mail] = await emails('jo.new@example.net');
    const token = tokenIn(mail.personalisation.link);
    const confirmed = await post(`/account/email/confirm?token=${token}`, '/account/email/confirm', {
      token,
    });
    expect(confirmed.body).toContain('Your email address has been changed');
    expect(await t.services.identity.actorByEmail('jo.new@example.net')).toMatchObject({ name: 'Kit Moss' });
    expect(await t.services.identity.actorByEmail('jo.reed@example.net')).toBeNull();
    const again = await post(`/account/email/confirm?token=${token}`, '/account/email/confirm', { token });
    expect(again.body).toContain('This link has expired or has already been used');
  });
});
