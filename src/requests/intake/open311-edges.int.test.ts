// Open311 at its edges, as a careless or hostile client drives it: empty and repeated
// parameters, NUL bytes and lone surrogates, JSON bodies, a forged Host header, a web app on
// another origin. Each gets an answer in the specification's error format, never a 500, and
// a refused post stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../../test/support.ts';
import { demoPoints } from '../../places/index.ts';

let t: TestContext;
let base: string;
const KEY = 'edge-key';
const SITE = 'https://reports.fellshire.example';
const [lon, lat] = demoPoints.castlebridge;
const pothole = {
  api_key: KEY,
  service_code: 'pothole',
  lat: String(lat),
  long: String(lon),
  'attribute[size]': 'medium',
  description: 'A hole by the bus stop',
};

const get = async (path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${base}/open311/v2/${path}`, { headers });
  return { status: response.status, headers: response.headers, body: await response.text() };
};
const post = async (path: string, body: string, type: string) => {
  const response = await fetch(`${base}/open311/v2/${path}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
};
const form = (fields: Record<string, string>) =>
  post('requests.json', new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded');
const json = (fields: unknown) => post('requests.json', JSON.stringify(fields), 'application/json');
const count = async () =>
  Number((await t.services.database.pool.query('SELECT count(*) FROM cases')).rows[0].count);
const ids = (body: string) =>
  (JSON.parse(body) as { service_request_id: string }[]).map((r) => r.service_request_id).sort();
/** A 400 in Open311's own format: a list of {code, description}. */
const refused = (answer: { status: number; body: string }, description: RegExp) => {
  expect(answer.status).toBe(400);
  const errors = JSON.parse(answer.body);
  expect(errors).toEqual([{ code: 400, description: expect.stringMatching(description) }]);
};

beforeAll(async () => {
  t = await testApp({ FLAGSTONE_URL: SITE });
  await t.services.requests.issueApiKey('Edge client', KEY);
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  for (const service_code of ['pothole', 'missed-bin'])
    expect((await form({ ...pothole, service_code, 'attribute[bin]': 'garden' })).status).toBe(200);
});
afterAll(() => t?.close());

describe('Open311 parameters', () => {
  it('treats an empty parameter as if it were absent', async () => {
    const all = await get('requests.json');
    expect(all.status).toBe(200);
    expect(ids(all.body).length).toBeGreaterThanOrEqual(2);
    for (const empty of ['status=', 'service_code=', 'service_code=,', 'service_request_id=', 'start_date='])
      expect(ids((await get(`requests.json?${empty}`)).body), empty).toEqual(ids(all.body));
  });

  it('reads a repeated service_code as a list, and refuses a repeated single-valued parameter', async () => {
    const both = await get('requests.json?service_code=pothole&service_code=missed-bin');
    expect(ids(both.body)).toEqual(ids((await get('requests.json?service_code=pothole,missed-bin')).body));
    expect(ids(both.body).length).toBeGreaterThanOrEqual(2);
    refused(
      await get('requests.json?start_date=2026-01-01T00:00:00Z&start_date=2026-02-01T00:00:00Z'),
      /start_date only once/,
    );
  });

  it('refuses a NUL byte anywhere with a 400, in JSON and in XML', async () => {
    for (const path of [
      'requests.json?service_code=a%00',
      'requests.json?service_request_id=A%00',
      'requests/A%00.json',
    ])
      refused(await get(path), /NUL/);
    const xml = await get('requests.xml?service_code=a%00');
    expect(xml.status).toBe(400);
    expect(xml.body).toContain('<code>400</code>');
  });

  it('answers a malformed escape in a path with a 404, not a 500', async () => {
    expect((await get('requests/%25.json')).status).toBe(404);
  });
});

describe('Open311 posts', () => {
  it('refuses a NUL byte or a lone surrogate in a post and stores nothing', async () => {
    const before = await count();
    refused(await form({ ...pothole, description: 'a\u0000b' }), /description/);
    refused(await json({ ...pothole, description: 'a\ud800b' }), /description/);
    expect(await count()).toBe(before);
  });

  it('takes a JSON body with numbers as it would the same form', async () => {
    const before = await count();
    const answer = await json({ ...pothole, lat, long: lon, attribute: { size: 'medium' } });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)[0].service_request_id).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await count()).toBe(before + 1);
  });

  it('refuses objects, nulls and nested lists where text is expected, and stores nothing', async () => {
    const before = await count();
    refused(await json({ ...pothole, first_name: { given: 'Sam' } }), /first_name must be text/);
    refused(await json({ ...pothole, email: null }), /email must be text/);
    refused(await json({ ...pothole, attribute: { size: { a: 1 } } }), /attribute\[size\] must be text/);
    refused(await json([pothole]), /form-encoded/);
    const text = await post('requests.json', 'just words', 'text/plain');
    expect(text.status).toBe(415);
    expect(JSON.parse(text.body)).toEqual([{ code: 415, description: expect.any(String) }]);
    refused(await form({ ...pothole, service_code: 'pothole', lat: 'north' }), /lat/);
    const twice = await post(
      'requests.json',
      `${new URLSearchParams(pothole)}&service_code=missed-bin`,
      'application/x-www-form-urlencoded',
    );
    refused(twice, /service_code only once/);
    expect(await count()).toBe(before);
  });
});

describe('Open311 for other sites', () => {
  it('builds discovery from the configured address, whatever Host the client sends', async () => {
    const forged = await get('discovery.json', { host: 'evil.example' });
    expect(forged.status).toBe(200);
    expect(forged.body).not.toContain('evil.example');
    const discovery = JSON.parse(forged.body);
    expect(discovery.endpoints[0].url).toBe(`${SITE}/open311/v2`);
    expect(discovery.contact).toContain(SITE);
    expect(discovery.key_service).toContain('flagstone open311 keys add');
  });

  it('lets a web app on any origin read, and says nothing of the kind on a post', async () => {
    for (const path of [
      'discovery.json',
      'services.json',
      'services/pothole.xml',
      'requests.json',
      'requests/NONE-SUCH.json',
    ])
      expect(
        (await get(path, { origin: 'https://app.example' })).headers.get('access-control-allow-origin'),
        path,
      ).toBe('*');
    expect((await form(pothole)).headers.get('access-control-allow-origin')).toBeNull();
  });
});
