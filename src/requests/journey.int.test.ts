// The citizen's journey through HTTP against the real database: photos on the details page
// (checked by their bytes, bounded in size and number, CSRF enforced on the multipart form).
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, signIn, type TestContext, testApp } from '../../test/support.ts';

const PNG = readFileSync(new URL('../../test/fixtures/pothole.png', import.meta.url));
const LIMIT = 4096;
let t: TestContext;

beforeAll(async () => {
  t = await testApp({ PHOTO_LIMIT_BYTES: String(LIMIT) });
});
afterAll(() => t?.close());

/** A citizen's browser: keeps its cookies and the CSRF token of the last page. */
function browser(app: FastifyInstance) {
  const jar = new Map<string, string>();
  let token = '';
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (response: Awaited<ReturnType<FastifyInstance['inject']>>) => {
    for (const c of response.cookies as { name: string; value: string }[]) jar.set(c.name, c.value);
    token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1] ?? token;
    return response;
  };
  return {
    async get(url: string) {
      return keep(await app.inject({ url, headers: { cookie: cookie(), accept: 'text/html' } }));
    },
    async post(url: string, fields: Record<string, string>) {
      return keep(
        await app.inject({
          method: 'POST',
          url,
          headers: {
            cookie: cookie(),
            accept: 'text/html',
            'content-type': 'application/x-www-form-urlencoded',
          },
          payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
        }),
      );
    },
    async upload(
      url: string,
      fields: Record<string, string>,
      files: { name: string; bytes: Buffer; type?: string }[],
      csrf = true,
    ) {
      const form = new FormData();
      if (csrf) form.append('_csrf', token);
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      for (const f of files)
        form.append('photos', new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'image/png' }), f.name);
      const encoded = new Response(form);
      return keep(
        await app.inject({
          method: 'POST',
          url,
          headers: {
            cookie: cookie(),
            accept: 'text/html',
            'content-type': encoded.headers.get('content-type') as string,
          },
          payload: Buffer.from(await encoded.arrayBuffer()),
        }),
      );
    },
  };
}

/** A citizen at the details page of a pothole report at a point. */
async function atDetails(lat: number, lon = -2.2) {
  const b = browser(t.app);
  await b.get('/report');
  expect((await b.post('/report', { service: 'pothole' })).headers.location).toBe('/report/where');
  await b.get('/report/where');
  const where = await b.post('/report/where', { lat: String(lat), lon: String(lon) });
  expect(where.headers.location).toBe('/report/details');
  await b.get('/report/details');
  return b;
}

const summary = (html: string) =>
  /govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1]?.replace(/<[^>]+>/g, ' ') ?? '';
const photosListed = async (b: ReturnType<typeof browser>) =>
  [...(await b.get('/report/details')).body.matchAll(/name="photo" value="([^"]+)"/g)].length;

describe('photos on a report', () => {
  it('keeps a PNG with the report and shows it to staff of the responsible organisation only', async () => {
    const b = await atDetails(52.21);
    const details = await b.upload('/report/details', { 'attribute-size': 'large' }, [
      { name: 'C:\\Users\\me\\pothole.png', bytes: PNG },
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
    expect(view.photos).toEqual([expect.objectContaining({ name: 'pothole.png', contentType: 'image/png' })]);
    const url = `/cases/${id}/photos/${view.photos[0].id}`;
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
