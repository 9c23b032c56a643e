// The Open311 list of requests read as apps read it: page by page with the Link header, again
// with an ETag, with the postcode of a request placed at a gazetteer property, a new post seen
// at once, and a client reading too fast told to wait in Open311's format.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postOpen311Request, type TestContext, testApp } from '../../../test/support.ts';

let t: TestContext;
const KEY = 'list-key';
const SITE = 'https://reports.fellshire.example';

const list = (query = '', headers: Record<string, string> = {}) =>
  t.app.inject({ url: `/open311/v2/requests.json${query}`, headers });
const post = (fields: Record<string, string>) =>
  postOpen311Request(t.app, {
    api_key: KEY,
    service_code: 'street-light',
    'attribute[fault]': 'out',
    ...fields,
  });
const ids = (body: string) =>
  (JSON.parse(body) as { service_request_id: string }[]).map((r) => r.service_request_id);

beforeAll(async () => {
  t = await testApp({ FLAGSTONE_URL: SITE });
  await t.services.requests.issueApiKey('List client', KEY);
  await t.services.properties.importProperties(
    Readable.from([
      'uprn,address,town,postcode,latitude,longitude\n200000000001,1 Mill Lane,Ashby,AV1 2MQ,52.235,-2.21\n',
    ]),
  );
  for (let i = 0; i < 5; i++)
    expect((await post({ lat: String(52.22 + i / 1000), long: '-2.2' })).statusCode).toBe(200);
});
afterAll(() => t?.close());

describe('the list of requests', () => {
  it('comes in pages, the Link header leading from one to the next at the configured address', async () => {
    const all = ids((await list()).body);
    expect(all).toHaveLength(5);
    const first = await list('?page_size=2&status=open');
    expect(ids(first.body)).toEqual(all.slice(0, 2));
    expect(first.headers.link).toBe(
      `<${SITE}/open311/v2/requests.json?page_size=2&status=open&page=2>; rel="next"`,
    );
    const third = await list('?page_size=2&status=open&page=3');
    expect(ids(third.body)).toEqual(all.slice(4));
    expect(third.headers.link).toBe(
      `<${SITE}/open311/v2/requests.json?page_size=2&status=open&page=2>; rel="prev"`,
    );
    for (const bad of ['?page=0', '?page_size=1001', '?page=two', '?page_size=']) {
      const answer = await list(bad);
      if (bad === '?page_size=') expect(answer.statusCode).toBe(200);
      else
        expect(answer.json(), bad).toEqual([
          { code: 400, description: expect.stringMatching(/whole number/) },
        ]);
    }
  });

  it('answers 304 to a client that has the page already, and shows a new post at once', async () => {
    const first = await list();
    expect(first.headers['cache-control']).toBe('public, max-age=5');
    const etag = String(first.headers.etag);
    const again = await list('', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const created = await post({ address_id: '200000000001' });
    const reference = created.json()[0].service_request_id;
    const after = await list('', { 'if-none-match': etag });
    expect(after.statusCode).toBe(200);
    expect(ids(after.body)).toContain(reference);
  });

  it('gives the postcode (zipcode) of a request placed at a gazetteer property, in the list and alone', async () => {
    const [listed] = (await list('?page_size=1')).json();
    expect(listed).toMatchObject({ address_id: '200000000001', zipcode: 'AV1 2MQ' });
    const alone = (
      await t.app.inject({ url: `/open311/v2/requests/${listed.service_request_id}.json` })
    ).json();
    expect(alone[0].zipcode).toBe('AV1 2MQ');
    const xml = (await t.app.inject({ url: '/open311/v2/requests.xml?page_size=1' })).body;
    expect(xml).toContain('<zipcode>AV1 2MQ</zipcode>');
  });

  it('tells a client reading too fast to wait, in Open311 format, and serves others meanwhile', async () => {
    let answer = await list();
    for (let i = 0; i < 700 && answer.statusCode !== 429; i++) answer = await list();
    expect(answer.statusCode).toBe(429);
    expect(answer.json()).toEqual([{ code: 429, description: expect.stringMatching(/^Too many requests/) }]);
    expect(answer.headers['retry-after']).toBeDefined();
    const other = await t.app.inject({ url: '/open311/v2/requests.json', remoteAddress: '192.0.2.7' });
    expect(other.statusCode).toBe(200);
  });
});
