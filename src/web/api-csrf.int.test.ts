// CSRF on the API: with a member of staff signed in, a page of another site posts to every write
// route of the API — forms, plain text, multipart, and JSON from another origin — and is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrator, signIn, type TestContext, testApp } from '../../test/support.ts';

let t: TestContext;
let cookie: string;
let writes: { method: string; url: string }[];

beforeAll(async () => {
  t = await testApp();
  cookie = await signIn(t.app, administrator().email, administrator().password);
  const paths: Record<string, Record<string, unknown>> = (
    await t.app.inject({ url: '/api/openapi.json' })
  ).json().paths;
  writes = Object.entries(paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))
      .map((method) => ({
        method: method.toUpperCase(),
        url: path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'),
      })),
  );
}, 60_000);
afterAll(() => t.close());

const counts = async () =>
  (
    await t.services.database.pool.query(
      `SELECT (SELECT count(*) FROM local_records) AS records, (SELECT count(*) FROM cases) AS cases,
              (SELECT count(*) FROM sharing_agreements) AS agreements`,
    )
  ).rows[0];

describe('CSRF on the API', () => {
  it('refuses, on every write route, a cookie-authenticated post from another site, and changes nothing', async () => {
    expect(writes.filter((w) => w.url.startsWith('/api/v1/')).length).toBeGreaterThan(15);
    const before = await counts();
    const attempts = [
      { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', payload: 'a=b' },
      { 'content-type': 'text/plain', payload: '{"a":"b"}' }, // no Origin: a browser that sends none
      { 'content-type': 'multipart/form-data; boundary=x', payload: '--x--\r\n' },
      { 'content-type': 'application/json', origin: 'https://evil.example', payload: '{}' },
      { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site', payload: '{}' },
    ];
    for (const { method, url } of writes)
      for (const { payload, ...headers } of attempts) {
        const answer = await t.app.inject({
          method: method as 'POST',
          url,
          headers: { cookie, ...headers },
          payload,
        });
        expect({ method, url, headers, status: answer.statusCode }).toEqual({
          method,
          url,
          headers,
          status: 403,
        });
        expect(answer.headers['content-type']).toContain('application/problem+json');
      }
    expect(await counts()).toEqual(before);
  });

  it('takes JSON from its own origin, and anything from a caller with an access token', async () => {
    const own = await t.app.inject({
      method: 'POST',
      url: '/api/v1/records',
      headers: { cookie, origin: 'http://localhost:80', 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(own.statusCode).toBe(400); // past the check: the record itself is refused for what it lacks
    const token = await t.app.inject({
      method: 'POST',
      url: '/api/v1/records',
      headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=b',
    });
    expect(token.statusCode).toBe(401); // judged by its token, not by where it came from
  });
});
