// Pages kept for everyone not signed in (the start page, the open data catalogue): each answer has
// its own nonce and CSRF token, a signed-in person never gets a kept page nor leaves theirs for
// anyone else, and a change to the data shows at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizen, cookieHeader, signIn, type TestContext, testApp } from '../../test/support.ts';

let t: TestContext;

beforeAll(async () => {
  t = await testApp();
  // A kept page with a form on it, as any page may have one.
  t.app.get('/kept-form', (_request, reply) =>
    reply.sharedPage('forgotten-password.njk', { title: 'Reset your password', values: {} }),
  );
});
afterAll(() => t.close());

const html = { accept: 'text/html' };
const get = (url: string, cookie?: string) =>
  t.app.inject({ url, headers: cookie ? { ...html, cookie } : html });
const nonceOf = (answer: { headers: Record<string, unknown> }) =>
  /'nonce-([^']+)'/.exec(String(answer.headers['content-security-policy']))?.[1] ?? 'none';
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1];

describe('pages kept for everyone not signed in', () => {
  it('give each answer its own nonce, the one its policy allows, and set no cookie', async () => {
    for (const url of ['/', '/data']) {
      const [first, second] = [await get(url), await get(url)];
      for (const answer of [first, second]) {
        expect(answer.statusCode).toBe(200);
        expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(answer.body).toContain(`<script nonce="${nonceOf(answer)}">`);
        expect(answer.body).not.toMatch(/flagstone-(nonce|csrf)-/);
        expect(answer.headers['set-cookie']).toBeUndefined();
      }
      expect(nonceOf(first)).not.toBe(nonceOf(second));
      expect(first.body.replaceAll(nonceOf(first), '')).toBe(second.body.replaceAll(nonceOf(second), ''));
    }
    expect((await get('/')).body).toContain('Report a problem or ask for a service in Fellshire');
    expect((await get('/data')).body).toContain('Open data');
  });

  it('never give a signed-in person’s page to anyone else, nor a kept page to them', async () => {
    await get('/'); // kept for everyone not signed in
    const cookie = await signIn(t.app, citizen().email, citizen().password);
    for (const url of ['/', '/data']) {
      const theirs = await get(url, cookie);
      expect(theirs.body).toContain('Sign out');
      expect(theirs.body).toContain('href="/your-data"');
      const token = csrfOf(theirs.body);
      // Their own token, not the mark a kept page has in its place.
      expect(token).toMatch(/^[^\s"]{16,}$/);
      expect(token).not.toContain('flagstone-csrf-');
      // Everyone else after them: the page of someone not signed in, with no form and no token.
      for (const other of [undefined, 'flagstone_csrf=someone-elses', 'flagstone_session=not-a-session']) {
        const answer = await get(url, other);
        expect(answer.body, `${url} ${other}`).not.toContain('Sign out');
        expect(answer.body).not.toContain('href="/your-data"');
        expect(answer.body).not.toContain(String(token));
        expect(csrfOf(answer.body)).toBeUndefined();
      }
    }
    // Their token is their own: it signs them out.
    const token = csrfOf((await get('/', cookie)).body);
    const out = await t.app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { ...html, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(String(token))}`,
    });
    expect(out.statusCode).toBe(303);
    // Signed out, the old cookie gets the page of someone not signed in.
    expect((await get('/', cookie)).body).not.toContain('Sign out');
  });

  it('give a form on a kept page a CSRF token of each answer’s own', async () => {
    const [first, second] = [await get('/kept-form'), await get('/kept-form')];
    const tokens = [csrfOf(first.body), csrfOf(second.body)];
    expect(tokens[0]).toMatch(/^[^\s"]{16,}$/);
    expect(tokens[0]).not.toContain('flagstone-csrf-');
    expect(tokens[0]).not.toBe(tokens[1]);
    const jar = (answer: typeof first) => cookieHeader(answer.cookies);
    const post = (cookie: string, token: string | undefined) =>
      t.app.inject({
        method: 'POST',
        url: '/forgotten-password',
        headers: { ...html, cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `_csrf=${encodeURIComponent(String(token))}&email=`,
      });
    // Each token goes with its own answer's cookie, and not with the other's.
    expect((await post(jar(first), tokens[0])).statusCode).toBe(400);
    expect((await post(jar(second), tokens[0])).statusCode).toBe(403);
  });

  it('show a change to their data as soon as it is read', async () => {
    const pool = t.services.database.pool;
    expect((await get('/')).body).toContain('in Fellshire</h1>');
    await pool.query(`UPDATE place SET name = 'Dalesford' WHERE id = 1`);
    try {
      t.clock.wait(60_000); // longer than places keeps the place in memory (CATALOGUE_CACHE_MS)
      expect((await get('/')).body).toContain('in Dalesford</h1>');
    } finally {
      await pool.query(`UPDATE place SET name = 'Fellshire' WHERE id = 1`);
    }
    t.clock.wait(60_000);
    expect((await get('/')).body).toContain('in Fellshire</h1>');
  });
});
