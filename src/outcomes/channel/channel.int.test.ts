// How each request came in: staff taking one for a caller through the pages (the same routing
// and checks as the citizen's), a citizen's own report and an Open311 client's, against the real
// database: the channel stored, who took it in the ledger, and what each bad input gets.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  citizen,
  demoAccount,
  postOpen311Request,
  signIn,
  type TestContext,
  testApp,
} from '../../../test/support.ts';
import { demoPoints } from '../../places/index.ts';

let t: TestContext;
let staffCookie: string;
const STAFF = 'grace.okafor@fellshire-cc.example.org';
const [lon, lat] = demoPoints.castlebridge;
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const page = (url: string, cookie = staffCookie) =>
  t.app.inject({ url, headers: { accept: 'text/html', cookie } });

async function post(url: string, form: Record<string, string>, cookie = staffCookie) {
  const csrf = csrfOf((await page('/staff/take-request', cookie)).body);
  return t.app.inject({
    method: 'POST',
    url,
    headers: { accept: 'text/html', cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, ...form }).toString(),
  });
}

const cases = async () =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases`.execute(t.services.database.db)).rows[0]?.n;
const stored = async (reference: string) =>
  (
    await sql<{ channel: string; taken_by: string | null; phone: string | null; first_name: string | null }>`
      SELECT channel, taken_by, phone, first_name FROM cases WHERE reference = ${reference}`.execute(
      t.services.database.db,
    )
  ).rows[0];

beforeAll(async () => {
  t = await testApp();
  staffCookie = await signIn(t.app, STAFF, demoAccount((c) => c.email === STAFF).password);
});
afterAll(() => t?.close());

describe('taking a request for a caller', () => {
  it('takes a phone call through the same routing, storing the channel, the caller as given and who took it', async () => {
    const first = await post('/staff/take-request', { channel: 'phone', service: 'pothole' });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/staff/take-request/pothole?channel=phone');
    const form = await page(first.headers.location as string);
    expect(form.body).toContain('How big is the pothole?');
    const sent = await post('/staff/take-request/pothole', {
      channel: 'phone',
      'attribute-size': 'large',
      lat: String(lat),
      lon: String(lon),
      description: 'Caller says the hole is outside the chemist',
      name: 'Jo Bloggs',
      phone: '01632 960 123',
    });
    expect(sent.statusCode).toBe(303);
    const reference = /taken\/([0-9A-Z-]+)$/.exec(sent.headers.location as string)?.[1] as string;
    const taken = await page(sent.headers.location as string);
    expect(taken.body).toContain(reference);
    expect(taken.body).toContain('Castlebridge');
    const staff = await t.services.identity.actorByEmail(STAFF);
    expect(await stored(reference)).toEqual({
      channel: 'phone',
      taken_by: staff?.accountId,
      phone: '01632 960 123',
      first_name: 'Jo',
    });
    expect(await t.services.governance.ledger.latest('case.create')).toMatchObject({
      actor: { account: staff?.accountId, kind: 'staff' },
      detail: { service: 'pothole', channel: 'phone' },
    });
  });

  it.each([
    ['no channel', { service: 'pothole' }, 'Choose how the caller got in touch'],
    [
      'a channel that is not assisted',
      { channel: 'online', service: 'pothole' },
      'Choose how the caller got in touch',
    ],
    ['no service', { channel: 'letter', service: '' }, 'Choose what the request is about'],
    ['an unknown service', { channel: 'letter', service: 'nope' }, 'Choose what the request is about'],
  ])('refuses %s on the first step with the error summary', async (_name, form, message) => {
    const response = await post('/staff/take-request', form);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('govuk-error-summary');
    expect(response.body).toContain(message);
  });

  it.each([
    ['no answer to a required question', { lat: String(lat), lon: String(lon) }, 'attribute-size'],
    ['no location at all', { 'attribute-size': 'small' }, 'lat'],
    ['a latitude that is not a number', { 'attribute-size': 'small', lat: 'north', lon: String(lon) }, 'lat'],
    [
      'an email address that is not one',
      { 'attribute-size': 'small', lat: String(lat), lon: String(lon), email: 'jo@' },
      'email',
    ],
    [
      'an address the gazetteer cannot place',
      { 'attribute-size': 'small', address: 'Nowhere Street' },
      'address',
    ],
    ['a point outside the place', { 'attribute-size': 'small', lat: '52.55', lon: '-1.45' }, 'lat'],
  ])('refuses %s with the error summary, the answers kept and nothing stored', async (_name, form, field) => {
    const before = await cases();
    const response = await post('/staff/take-request/pothole', { channel: 'face_to_face', ...form });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.body).toContain('govuk-error-summary');
    expect(response.body).toContain(`href="#${field}"`);
    expect(await cases()).toBe(before);
  });

  it('is for staff only: a citizen is refused, and the front door refuses an assisted request from one', async () => {
    const person = citizen();
    const cookie = await signIn(t.app, person.email, person.password);
    expect((await page('/staff/take-request', cookie)).statusCode).toBe(403);
    const actor = await t.services.identity.actorByEmail(person.email);
    const before = await cases();
    await expect(
      t.services.requests.submit({ service: 'graffiti', lat, lon }, { actor, assisted: 'phone' }),
    ).rejects.toThrow('Only staff take a request for a caller');
    expect(await cases()).toBe(before);
  });
});

describe('the channel of every request', () => {
  it('is online for the pages, and api for an Open311 client', async () => {
    const online = await t.services.requests.submit({ service: 'graffiti', lat, lon }, {});
    expect((await stored(online.reference))?.channel).toBe('online');
    await t.services.requests.issueApiKey('An app', 'channel-test-key');
    const response = await postOpen311Request(t.app, {
      api_key: 'channel-test-key',
      service_code: 'graffiti',
      lat: String(lat + 0.01),
      long: String(lon),
    });
    expect(response.statusCode).toBe(200);
    const [{ service_request_id }] = JSON.parse(response.body);
    expect((await stored(service_request_id))?.channel).toBe('api');
  });
});
