// The citizen's side of the front door through HTTP against the real database: the address
// from the gazetteer (Open311's: locating.int.test.ts), contact details, repeated reports joined,
// photos on the details page (checked by their bytes, stored without their metadata, bounded in
// size and number, CSRF enforced on the multipart form).
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import ExifReader from 'exifreader';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  atPotholeDetails,
  formBrowser as browser,
  errorSummary as summary,
} from '../../../../test/form-browser.ts';
import {
  demoAccount,
  postOpen311Request,
  signIn,
  type TestContext,
  testApp,
} from '../../../../test/support.ts';

const PNG = readFileSync(new URL('../../../../test/fixtures/pothole.png', import.meta.url));
/** A phone's photo: where it was taken, the camera's serial number, the owner, turned by Exif. */
const GPS_JPEG = readFileSync(new URL('../../../../test/fixtures/photo-gps.jpg', import.meta.url));
const LIMIT = 4096;
let t: TestContext;

// A few properties of the gazetteer: two on one street in Ashby Vale, one outside Fellshire, one more.
const GAZETTEER = `uprn,address,town,postcode,latitude,longitude
200000000001,1 Mill Lane,Ashby,AV1 2MQ,52.235,-2.21
200000000002,3 Mill Lane,Ashby,AV1 2MQ,52.2352,-2.2102
200000000003,9 Far Away,Elsewhere,ZZ9 9ZZ,52.55,-1.45
200000000004,7 Station Road,Ashby,AV1 3SR,52.24,-2.19
`;

beforeAll(async () => {
  t = await testApp({ PHOTO_LIMIT_BYTES: String(LIMIT) });
  await t.services.properties.importProperties(Readable.from([GAZETTEER]));
});
afterAll(() => t?.close());

const atDetails = (lat: number, lon = -2.2) => atPotholeDetails(t.app, lat, lon);

const photosListed = async (b: ReturnType<typeof browser>) =>
  [...(await b.get('/report/details')).body.matchAll(/name="photo" value="([^"]+)"/g)].length;

describe('where: the address from the gazetteer, or a point', () => {
  async function atWhere(service = 'missed-bin') {
    const b = browser(t.app);
    await b.get('/report');
    await b.post('/report', { service });
    await b.get('/report/where');
    return b;
  }

  it('finds the address by postcode, keeps its UPRN as address_id and routes by its point', async () => {
    const b = await atWhere();
    const list = await b.get('/report/where/address?q=av1+2mq');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('1 Mill Lane, Ashby, AV1 2MQ');
    expect(list.body).toContain('3 Mill Lane, Ashby, AV1 2MQ');
    const chosen = await b.post('/report/where/address', { q: 'av1 2mq', uprn: '200000000002' });
    expect(chosen.headers.location).toBe('/report/details');
    await b.get('/report/details');
    await b.post('/report/details', { 'attribute-bin': 'recycling' });
    await b.get('/report/contact');
    await b.post('/report/contact', { email: 'mill@example.com' });
    const check = await b.get('/report/check');
    expect(check.body).toContain('3 Mill Lane, Ashby, AV1 2MQ');
    const sent = await b.post('/report/check', {});
    const reference = /\/report\/done\/(.+)$/.exec(sent.headers.location as string)?.[1] as string;
    const found = (await t.app.inject({ url: `/open311/v2/requests/${reference}.json` })).json()[0];
    expect(found).toMatchObject({
      address_id: '200000000002',
      address: '3 Mill Lane, Ashby, AV1 2MQ',
      lat: 52.2352,
      long: -2.2102,
      agency_responsible: 'Ashby Vale District Council',
    });
  });

  it('finds a property by its UPRN and by its street', async () => {
    const b = await atWhere();
    const byUprn = await b.get('/report/where/address?q=200000000001');
    expect(byUprn.body).toContain('1 Mill Lane');
    expect(byUprn.body).not.toContain('3 Mill Lane');
    expect((await b.get('/report/where/address?q=mill+lane+ashby')).body).toContain('3 Mill Lane');
  });

  it('says what is wrong: nothing typed, nothing found, nothing chosen, an address outside the place', async () => {
    const b = await atWhere();
    const empty = await b.get('/report/where/address?q=');
    expect(empty.statusCode).toBe(400);
    expect(summary(empty.body)).toContain('Enter a postcode, street or UPRN');
    const none = await b.get('/report/where/address?q=no+such+street');
    expect(summary(none.body)).toContain('No address matches');
    await b.get('/report/where/address?q=av1+2mq');
    const unchosen = await b.post('/report/where/address', { q: 'av1 2mq' });
    expect(unchosen.statusCode).toBe(400);
    expect(summary(unchosen.body)).toContain('Choose the address');
    await b.get('/report/where/address?q=zz9+9zz');
    const outside = await b.post('/report/where/address', { q: 'zz9 9zz', uprn: '200000000003' });
    expect(outside.statusCode).toBe(400);
    expect(summary(outside.body)).toContain('outside Fellshire');
    expect((await b.get('/report/details')).headers.location).toBe('/report/where'); // nothing kept
  });
});

describe('contact details', () => {
  it('are needed where the service takes no anonymous reports, and optional where it does', async () => {
    const b = browser(t.app);
    await b.get('/report');
    await b.post('/report', { service: 'blue-badge' });
    await b.get('/report/where');
    await b.post('/report/where', { lat: '52.17', lon: '-2.31' });
    await b.get('/report/details');
    await b.post('/report/details', {});
    const contact = await b.get('/report/contact');
    expect(contact.body).toContain('We need an email address or phone number');
    const none = await b.post('/report/contact', { name: 'Sam Okafor' });
    expect(none.statusCode).toBe(400);
    expect(summary(none.body)).toContain('Enter an email address or phone number so that we can contact you');
    expect((await b.get('/report/check')).headers.location).toBeUndefined(); // the draft is still there
    const given = await b.post('/report/contact', { name: 'Sam Okafor', phone: '01632 960 001' });
    expect(given.headers.location).toBe('/report/check');

    const pothole = await atDetails(52.15);
    await pothole.post('/report/details', { 'attribute-size': 'small' });
    expect((await pothole.get('/report/contact')).body).toContain('How can we contact you? (optional)');
    expect((await pothole.post('/report/contact', {})).headers.location).toBe('/report/check');
  });
});

describe('a repeated report is joined to the open one, not made another case', () => {
  const KEY = 'duplicates-test-key';
  // A spot in Ashby Vale no other test reports at, and points 20 m and 80 m north of it.
  const [lat, lon] = [52.16, -2.3];
  const north = (metres: number) => String(lat + metres / 111_195);
  const post = async (fields: Record<string, string>) => {
    await t.services.requests.issueApiKey('Duplicates test client', KEY).catch(() => {});
    const response = await postOpen311Request(t.app, {
      api_key: KEY,
      service_code: 'pothole',
      'attribute[size]': 'large',
      long: String(lon),
      ...fields,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json()[0] as { service_request_id: string; service_notice: string };
  };
  let first = '';

  it('answers an Open311 client with the open request within 50 metres, and makes a new one further away', async () => {
    first = (await post({ lat: String(lat), description: 'Deep hole by the gate' })).service_request_id;
    const again = await post({ lat: north(20), description: 'Same hole', email: 'second@example.com' });
    expect(again).toMatchObject({
      service_request_id: first,
      service_notice: `Already reported as ${first}: this report has been joined to it`,
    });
    expect((await post({ lat: north(80) })).service_request_id).not.toBe(first);
    expect(
      (await post({ lat: north(20), service_code: 'street-light', 'attribute[fault]': 'out' }))
        .service_request_id,
    ).not.toBe(first);
    const listed = (await t.app.inject({ url: '/open311/v2/requests.json?service_code=pothole' })).json();
    expect(listed.filter((r: { lat: number }) => Math.abs(r.lat - lat) < 0.0005)).toHaveLength(1);
  });

  it('finds the open request across a band of latitude its search is keyed by', async () => {
    // 52.16995 and 52.17008 (14 m apart) lie in the bands of 0.001 degrees either side of 52.170.
    const west = String(lon - 0.01);
    const below = (await post({ long: west, lat: '52.16995' })).service_request_id;
    expect((await post({ long: west, lat: '52.17008' })).service_request_id).toBe(below);
    const above = (await post({ long: west, lat: '52.17108' })).service_request_id;
    expect(above).not.toBe(below);
    expect((await post({ long: west, lat: '52.17099' })).service_request_id).toBe(above);
  });

  it('joins reports of one thing sent at the same moment to one another', async () => {
    const answers = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((who, i) =>
        post({ lat: north(300 + i * 5), description: `Same moment ${who}` }),
      ),
    );
    const opened = answers.filter((a) => !a.service_notice?.startsWith('Already reported'));
    expect(opened).toHaveLength(1);
    expect(new Set(answers.map((a) => a.service_request_id))).toEqual(
      new Set([opened[0]?.service_request_id]),
    );
    const listed = (await t.app.inject({ url: '/open311/v2/requests.json?service_code=pothole' })).json();
    expect(listed.filter((r: { lat: number }) => Math.abs(r.lat - Number(north(310))) < 0.0005)).toHaveLength(
      1,
    );
  });

  it('stores new reports open and repeats of a stored case closed when they are stored together', async () => {
    const original = (await post({ lat: north(1000), description: 'An earlier one' })).service_request_id;
    // Sent at once, new reports (far apart) and repeats of the stored one go into shared batches.
    const sent = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? { lat: north(2000 + i * 100), description: `New ${i}` }
        : { lat: north(1010), description: `Repeat ${i}` },
    );
    const answers = await Promise.all(sent.map((fields) => post(fields)));
    const { rows } = await sql<{ description: string; status: string; joined_to: string | null }>`
      SELECT c.description, c.status, o.reference AS joined_to
        FROM cases c LEFT JOIN cases o ON o.id = c.duplicate_of
       WHERE c.description = ANY(${sent.map((f) => f.description)})`.execute(t.services.database.db);
    const stored = new Map(rows.map((r) => [r.description, r]));
    sent.forEach((fields, i) => {
      if (i % 2 === 0) {
        expect(answers[i]?.service_request_id).not.toBe(original);
        expect(stored.get(fields.description)).toMatchObject({ status: 'open', joined_to: null });
      } else {
        expect(answers[i]?.service_request_id).toBe(original);
        expect(stored.get(fields.description)).toMatchObject({ status: 'closed', joined_to: original });
      }
    });
  });

  it('shows staff one case with the reports joined, and tells each reporter of its updates', async () => {
    const staff = demoAccount((c) => c.roles === 'staff at fellshire-cc');
    const cookie = await signIn(t.app, staff.email, staff.password);
    const inbox = (await t.app.inject({ url: '/api/v1/cases?service=pothole', headers: { cookie } })).json();
    const here = inbox.filter((c: { lat: number }) => Math.abs(c.lat - lat) < 0.0005);
    expect(here.map((c: { reference: string }) => c.reference)).toEqual([first]);
    const view = (await t.app.inject({ url: `/api/v1/cases/${here[0].id}`, headers: { cookie } })).json();
    expect(view.joined).toEqual([
      expect.objectContaining({ description: 'Same hole', contact: 'second@example.com' }),
    ]);
    const page = await t.app.inject({
      url: `/cases/${here[0].id}`,
      headers: { cookie, accept: 'text/html' },
    });
    expect(page.body).toContain('Reports joined to this case');

    const changed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${here[0].id}/status`,
      headers: { cookie },
      payload: { status: 'in_progress', reason: 'A crew is on the way' },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    const { rows } = await sql<{ personalisation: { reference: string; update: string } }>`
      SELECT personalisation FROM notification_outbox WHERE recipient = 'second@example.com'`.execute(
      t.services.database.db,
    );
    expect(rows.map((r) => r.personalisation.reference)).toEqual([first, first]);
    expect(rows.map((r) => r.personalisation.update)).toContain('A crew is on the way');
  });

  it('tells the citizen before they send it, and after: they follow the open request', async () => {
    const b = browser(t.app);
    await b.get('/report');
    await b.post('/report', { service: 'pothole' });
    await b.get('/report/where');
    await b.post('/report/where', { lat: north(10), lon: String(lon) });
    const details = await b.get('/report/details');
    expect(details.body).toContain(`href="/follow/${first}"`); // already reported? follow it instead
    await b.post('/report/details', { 'attribute-size': 'small' });
    await b.get('/report/contact');
    await b.post('/report/contact', {});
    const check = await b.get('/report/check');
    expect(check.body).toContain(
      `This looks like <a class="govuk-link" href="/follow/${first}">request ${first}</a>`,
    );
    const sent = await b.post('/report/check', {});
    const done = await b.get(sent.headers.location as string);
    expect(done.body).toContain('Already reported: your report is added to it');
    expect(done.body).toContain(`Follow request ${first}`);
    const own = /\/report\/done\/(.+)$/.exec(sent.headers.location as string)?.[1] as string;
    const followed = await b.get(`/follow/${own}`);
    expect(followed.body).toContain(`Request ${first}`);
    expect(followed.body).toContain(`Request ${own} was about the same thing`);
  });
});

describe('photos on a report', () => {
  it('keeps photos with the report, without where they were taken, and shows them to staff of the responsible organisation only', async () => {
    const b = await atDetails(52.21);
    const details = await b.upload('/report/details', { 'attribute-size': 'large' }, [
      { name: 'C:\\Users\\me\\pothole.png', bytes: PNG },
      { name: 'IMG_0001.jpg', bytes: GPS_JPEG, type: 'image/jpeg' },
    ]);
    expect(details.statusCode, details.body).toBe(303);
    expect(details.headers.location).toBe('/report/contact');
    expect((await b.get('/report/details')).body).toContain('pothole.png');
    await b.get('/report/contact');
    await b.post('/report/contact', {});
    const check = await b.get('/report/check');
    expect(check.body).toContain('pothole.png');
    const sent = await b.post('/report/check', {});
    const reference = /\/report\/done\/(.+)$/.exec(sent.headers.location as string)?.[1] as string;

    const staff = demoAccount((c) => c.roles === 'staff at fellshire-cc');
    const cookie = await signIn(t.app, staff.email, staff.password);
    const inbox = await t.app.inject({ url: '/api/v1/cases', headers: { cookie } });
    const id = inbox.json().find((c: { reference: string }) => c.reference === reference).id;
    const view = (await t.app.inject({ url: `/api/v1/cases/${id}`, headers: { cookie } })).json();
    const photos = Object.fromEntries(view.photos.map((p: { name: string }) => [p.name, p]));
    expect(photos).toEqual({
      'pothole.png': expect.objectContaining({ contentType: 'image/png' }),
      'IMG_0001.jpg': expect.objectContaining({ contentType: 'image/jpeg' }),
    });
    const jpeg = await t.app.inject({
      url: `/cases/${id}/photos/${photos['IMG_0001.jpg'].id}`,
      headers: { cookie },
    });
    expect(jpeg.headers['content-type']).toBe('image/jpeg');
    expect((await ExifReader.load(GPS_JPEG, { expanded: true })).gps).toBeDefined();
    const left = await ExifReader.load(jpeg.rawPayload, { expanded: true });
    expect(left.gps).toBeUndefined();
    expect(Object.keys(left.exif ?? {})).toEqual(['Orientation']); // still the right way up
    expect([left.xmp, left.iptc, left.Thumbnail]).toEqual([undefined, undefined, undefined]);
    expect(left.file?.['Image Width']?.value).toBe(24);
    expect(jpeg.rawPayload.includes('SN-12345')).toBe(false);
    const url = `/cases/${id}/photos/${photos['pothole.png'].id}`;
    const photo = await t.app.inject({ url, headers: { cookie } });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.headers['x-content-type-options']).toBe('nosniff');
    expect(photo.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(photo.rawPayload.equals(PNG)).toBe(true);

    const district = demoAccount((c) => c.roles === 'staff at ashby-vale-dc');
    const other = await signIn(t.app, district.email, district.password);
    expect(
      (await t.app.inject({ url, headers: { cookie: other, accept: 'application/json' } })).statusCode,
    ).toBe(403);
    expect((await t.app.inject({ url, headers: { accept: 'application/json' } })).statusCode).toBe(401);
  });

  it.each([
    [
      'a program renamed .jpg',
      { name: 'pothole.jpg', bytes: Buffer.from('MZ\x90\x00\x03\x00\x00\x00') },
      'must be a JPG, PNG or WEBP photo',
    ],
    [
      'an SVG',
      {
        name: 'pothole.svg',
        bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        type: 'image/svg+xml',
      },
      'must be a JPG, PNG or WEBP photo',
    ],
    [
      'a photo over the limit',
      { name: 'big.png', bytes: Buffer.concat([PNG, Buffer.alloc(LIMIT)]) },
      'must be smaller than',
    ],
    ['an empty file', { name: 'empty.png', bytes: Buffer.alloc(0) }, 'is empty'],
    [
      'a photo cut short',
      { name: 'cut.jpg', bytes: GPS_JPEG.subarray(0, 1500), type: 'image/jpeg' },
      'cut.jpg could not be read: it may be damaged or incomplete',
    ],
  ])('refuses %s with the error summary, keeping nothing of the post', async (_, file, message) => {
    const b = await atDetails(52.2);
    const response = await b.upload('/report/details', { 'attribute-size': 'small', description: 'Deep' }, [
      { name: 'good.png', bytes: PNG },
      file,
    ]);
    expect(response.statusCode).toBe(400);
    expect(summary(response.body)).toContain(message);
    expect(response.body).toContain('Deep'); // the answers are kept on the page
    expect(await photosListed(b)).toBe(0);
    expect((await b.get('/report/details')).body).not.toContain('>Deep<');
  });

  it('takes up to three photos, and refuses more', async () => {
    const b = await atDetails(52.19);
    const four = Array.from({ length: 4 }, (_, i) => ({ name: `p${i}.png`, bytes: PNG }));
    const refused = await b.upload('/report/details', { 'attribute-size': 'small' }, four);
    expect(refused.statusCode).toBe(400);
    expect(summary(refused.body)).toContain('You can add up to 3 photos');
    expect(await photosListed(b)).toBe(0);
    const many = Array.from({ length: 12 }, (_, i) => ({ name: `p${i}.png`, bytes: PNG }));
    const tooMany = await b.upload('/report/details', { 'attribute-size': 'small' }, many);
    expect(tooMany.statusCode).toBe(400);
    expect(summary(tooMany.body)).toContain('You can add up to 3 photos');

    expect(
      (await b.upload('/report/details', { 'attribute-size': 'small' }, four.slice(0, 2))).statusCode,
    ).toBe(303);
    expect(await photosListed(b)).toBe(2);
    const third = await b.upload('/report/details', { 'attribute-size': 'small' }, four.slice(0, 2));
    expect(summary(third.body)).toContain('choose 1 more');
    const id = /name="photo" value="([^"]+)"/.exec((await b.get('/report/details')).body)?.[1] as string;
    expect((await b.post('/report/photos/remove', { photo: id })).statusCode).toBe(303);
    expect(await photosListed(b)).toBe(1);
  });

  it('refuses a multipart form without its CSRF token, keeping nothing', async () => {
    const b = await atDetails(52.18);
    const forged = await b.upload(
      '/report/details',
      { 'attribute-size': 'small' },
      [{ name: 'a.png', bytes: PNG }],
      false,
    );
    expect(forged.statusCode).toBe(403);
    expect(await photosListed(b)).toBe(0);
  });
});
