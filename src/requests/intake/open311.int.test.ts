// Open311 GeoReport v2 driven as a third-party client would: over real HTTP, form-encoded
// posts, answers read as JSON and as XML with a generic XML parser.
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../../test/support.ts';
import { demoPoints } from '../../places/index.ts';

let t: TestContext;
let base: string;
const KEY = 'third-party-key';
const xml = new XMLParser({
  parseTagValue: false,
  isArray: (name) =>
    ['request', 'service', 'error', 'attribute', 'value', 'format', 'endpoint'].includes(name),
});

const get = async (path: string) => {
  const response = await fetch(`${base}/open311/v2/${path}`);
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
};
const post = async (path: string, form: Record<string, string>) => {
  const response = await fetch(`${base}/open311/v2/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
};
const [lon, lat] = demoPoints.castlebridge;
const pothole = {
  api_key: KEY,
  service_code: 'pothole',
  lat: String(lat),
  long: String(lon),
  'attribute[size]': 'medium',
  description: 'Deep hole outside 14 Mill Lane, I nearly fell',
  email: 'sam@example.com',
  first_name: 'Sam',
  last_name: 'Jones',
  phone: '01632 960001',
  address_string: 'Mill Lane, Castlebridge',
};

beforeAll(async () => {
  t = await testApp({ FLAGSTONE_URL: 'https://reports.fellshire.example' });
  await t.services.requests.issueApiKey('Third party', KEY);
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => t?.close());

describe('Open311 GeoReport v2 in JSON', () => {
  it('discovers the endpoint and lists services with their groups and metadata flags', async () => {
    const discovery = JSON.parse((await get('discovery.json')).body);
    expect(discovery.endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: 'https://reports.fellshire.example/open311/v2',
      type: 'production',
      formats: ['text/xml', 'application/json'],
    });
    const services = await get('services.json');
    expect(services.type).toContain('application/json');
    const list = JSON.parse(services.body);
    expect(list.find((s: { service_code: string }) => s.service_code === 'pothole')).toMatchObject({
      service_name: 'Report a pothole',
      metadata: true,
      type: 'realtime',
      group: 'Roads and transport',
    });
    const definition = JSON.parse((await get('services/pothole.json')).body);
    expect(definition.attributes[0]).toMatchObject({
      code: 'size',
      datatype: 'singlevaluelist',
      required: true,
      variable: true,
      order: 1,
    });
    expect(definition.attributes[0].values).toContainEqual({ key: 'large', name: 'Bigger than a car tyre' });
  });

  it('takes a request with its key, then shows it by id, by token and in the list, without personal fields', async () => {
    const created = await post('requests.json', pothole);
    expect(created.status).toBe(200);
    const [answer] = JSON.parse(created.body);
    expect(answer.service_request_id).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(answer.service_notice).toContain('castlebridge-council');

    const one = JSON.parse((await get(`requests/${answer.service_request_id}.json`)).body);
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({
      service_request_id: answer.service_request_id,
      status: 'open',
      service_code: 'pothole',
      agency_responsible: 'Castlebridge Council',
      address: 'Mill Lane, Castlebridge',
      lat,
      long: lon,
    });
    expect(one[0].requested_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const listed = await get('requests.json?service_code=pothole,missed-bin&status=open');
    expect(
      JSON.parse(listed.body).map((r: { service_request_id: string }) => r.service_request_id),
    ).toContain(answer.service_request_id);
    for (const body of [JSON.stringify(one), listed.body]) {
      for (const personal of ['Sam', 'Jones', 'sam@example.com', '01632', 'nearly fell'])
        expect(body).not.toContain(personal);
    }
    const closedOnly = JSON.parse((await get('requests.json?status=closed')).body);
    expect(closedOnly.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(
      answer.service_request_id,
    );

    const row = await t.services.requests.publicRequest(answer.service_request_id);
    expect(row).not.toBeNull();
    const token = (
      await t.services.database.pool.query('SELECT token FROM cases WHERE reference = $1', [
        answer.service_request_id,
      ])
    ).rows[0].token;
    const byToken = JSON.parse((await get(`tokens/${token}.json`)).body);
    expect(byToken).toEqual([{ service_request_id: answer.service_request_id, token }]);
  });

  it('defaults the list to the last 90 days and refuses a wider window', async () => {
    await t.services.database.pool.query(
      `UPDATE cases SET requested_at = now() - interval '120 days' WHERE service_code = 'pothole'`,
    );
    const recent = JSON.parse((await get('requests.json?service_code=pothole')).body);
    expect(recent).toEqual([]);
    const old = JSON.parse(
      (
        await get(
          `requests.json?service_code=pothole&start_date=${new Date(Date.now() - 150 * 86_400_000).toISOString()}&end_date=${new Date(Date.now() - 100 * 86_400_000).toISOString()}`,
        )
      ).body,
    );
    expect(old.length).toBeGreaterThan(0);
    const wide = await get('requests.json?start_date=2024-01-01T00:00:00Z&end_date=2024-06-01T00:00:00Z');
    expect(wide.status).toBe(400);
    expect(JSON.parse(wide.body)).toEqual([
      { code: 400, description: 'start_date and end_date may not span more than 90 days' },
    ]);
  });

  it('answers bad requests with the specification errors and stores nothing', async () => {
    const count = async () =>
      Number((await t.services.database.pool.query('SELECT count(*) FROM cases')).rows[0].count);
    const before = await count();
    const noKey = await post('requests.json', { ...pothole, api_key: '' });
    expect(noKey.status).toBe(403);
    expect(JSON.parse(noKey.body)).toEqual([{ code: 403, description: 'api_key is missing or not valid' }]);
    const unknown = await post('requests.json', { ...pothole, service_code: 'unicorns' });
    expect(unknown.status).toBe(404);
    const outside = await post('requests.json', {
      ...pothole,
      lat: String(demoPoints.outside[1]),
      long: String(demoPoints.outside[0]),
    });
    expect(outside.status).toBe(400);
    expect(JSON.parse(outside.body)[0].description).toContain('outside Fellshire');
    const missing = await post('requests.json', { ...pothole, 'attribute[size]': '' });
    expect(JSON.parse(missing.body)[0]).toEqual({
      code: 400,
      description: 'attribute[size]: How big is the pothole? is required',
    });
    const noLocation = await post('requests.json', { ...pothole, lat: '', long: '' });
    expect(noLocation.status).toBe(400);
    const needsContact = await post('requests.json', {
      api_key: KEY,
      service_code: 'home-fire-safety-visit',
      lat: String(lat),
      long: String(lon),
    });
    expect(needsContact.status).toBe(400);
    expect((await get('requests/NONE-SUCH.json')).status).toBe(404);
    expect((await get('services/unicorns.json')).status).toBe(404);
    expect((await get('services.json?jurisdiction_id=elsewhere')).status).toBe(404);
    expect(await count()).toBe(before);
  });
});

describe('Open311 GeoReport v2 in XML', () => {
  it('speaks XML with the declaration, for services, definitions, posts, requests and errors', async () => {
    const services = await get('services.xml');
    expect(services.type).toContain('text/xml');
    expect(services.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    const parsed = xml.parse(services.body);
    expect(
      parsed.services.service.find((s: { service_code: string }) => s.service_code === 'missed-bin'),
    ).toMatchObject({
      service_name: 'Report a missed bin collection',
      metadata: 'true',
      type: 'realtime',
    });
    const definition = xml.parse((await get('services/missed-bin.xml')).body);
    expect(definition.service_definition.service_code).toBe('missed-bin');
    expect(
      definition.service_definition.attributes.attribute[0].values.value.map((v: { key: string }) => v.key),
    ).toContain('garden');

    const [lon2, lat2] = demoPoints.northmoor;
    const created = await post('requests.xml', {
      api_key: KEY,
      service_code: 'missed-bin',
      lat: String(lat2),
      long: String(lon2),
      'attribute[bin]': 'garden',
      description: 'Missed & <again>',
    });
    expect(created.status).toBe(200);
    const id = xml.parse(created.body).service_requests.request[0].service_request_id;
    const one = xml.parse((await get(`requests/${id}.xml`)).body).service_requests.request[0];
    expect(one).toMatchObject({
      service_request_id: id,
      status: 'open',
      agency_responsible: 'Northmoor District Council',
    });
    expect(one.description).toBeUndefined();

    const error = xml.parse((await post('requests.xml', { service_code: 'missed-bin' })).body);
    expect(error.errors.error[0]).toEqual({ code: '403', description: 'api_key is missing or not valid' });
    const discovery = xml.parse((await get('discovery.xml')).body);
    expect(discovery.discovery.endpoints.endpoint[0].formats.format).toEqual([
      'text/xml',
      'application/json',
    ]);
  });
});
