// Local alerts as a feed reader gets them: the new reports near a point for the services chosen,
// as Atom, with nothing personal; a point outside the place or a bad question refused.

import { Readable } from 'node:stream';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../../test/support.ts';
import { demoPoints } from '../../places/index.ts';

let t: TestContext;
const [lon, lat] = demoPoints.ashbyVale;
const refs: Record<string, string> = {};
const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'entry' });
const feed = (query: string) =>
  t.app.inject({ url: `/alerts/reports.atom?${query}`, headers: { accept: 'application/atom+xml' } });

const GAZETTEER = `uprn,address,town,postcode,latitude,longitude
200000000101,1 Alert Row,Ashby,AV9 1AA,${lat},${lon + 0.001}
200000000102,2 Alert Row,Ashby,AV9 1AA,${lat + 0.001},${lon + 0.001}
`;

beforeAll(async () => {
  t = await testApp({ FLAGSTONE_URL: 'https://reports.fellshire.example' });
  await t.services.properties.importProperties(Readable.from([GAZETTEER]));
  const report = async (service: string, at: readonly [number, number], attributes: Record<string, string>) =>
    (
      await t.services.requests.submit({
        service,
        lon: at[0],
        lat: at[1],
        attributes,
        description: 'Private words from 12 Elm Road',
        email: 'neighbour@example.com',
      })
    ).reference;
  refs.bin = await report('missed-bin', [lon + 0.005, lat], { bin: 'food' });
  refs.pothole = await report('pothole', [lon, lat + 0.004], { size: 'small' });
  refs.far = await report('missed-bin', demoPoints.northmoor, { bin: 'food' });
});
afterAll(() => t?.close());

describe('the feed of new reports near a point', () => {
  it('lists the chosen services within the distance, newest first, with nothing personal', async () => {
    const response = await feed(`lat=${lat}&lon=${lon}&distance=1000&service=missed-bin`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/atom+xml');
    const atom = parser.parse(response.body).feed;
    expect(atom['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(atom.entry.map((e: { title: string }) => e.title)).toEqual([
      `Report a missed bin collection: ${refs.bin}`,
    ]);
    expect(atom.entry[0].link['@_href']).toBe(`https://reports.fellshire.example/follow/${refs.bin}`);
    expect(atom.entry[0].summary).toMatch(/reported 3\d\d metres away in Ashby Vale/);
    for (const secret of ['Private words', 'Elm Road', 'neighbour@example.com'])
      expect(response.body).not.toContain(secret);
  });

  it('takes every service when none is chosen, and leaves out those beyond the distance', async () => {
    const atom = parser.parse((await feed(`lat=${lat}&lon=${lon}&distance=500`)).body).feed;
    const titles = atom.entry.map((e: { title: string }) => e.title).join(' ');
    expect(titles).toContain(refs.bin);
    expect(titles).toContain(refs.pothole);
    expect(titles).not.toContain(refs.far);
    const near = parser.parse((await feed(`lat=${lat}&lon=${lon}&distance=100`)).body).feed;
    expect(near.entry ?? []).toEqual([]);
  });

  it('refuses a point outside the place, a bad distance and an unknown service', async () => {
    const [outLon, outLat] = demoPoints.outside;
    const outside = await feed(`lat=${outLat}&lon=${outLon}`);
    expect(outside.statusCode).toBe(400);
    expect(outside.json().detail).toContain('outside');
    const bad = await feed(`lat=north&lon=${lon}&distance=5&service=unicorns`);
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['distance', 'lat', 'service']);
  });

  it('gives an area’s new reports wherever they are in it, and refuses an unknown area or postcode', async () => {
    const atom = parser.parse((await feed('area=ashby-vale')).body).feed;
    expect(atom.title).toContain('New reports in Ashby Vale');
    const titles = atom.entry.map((e: { title: string }) => e.title).join(' ');
    expect(titles).toContain(refs.bin);
    expect(titles).toContain(refs.pothole);
    expect(titles).not.toContain(refs.far);
    expect(atom.entry[0].summary).toMatch(/reported in Ashby Vale\.$/);
    const nowhere = await feed('area=nowhere');
    expect(nowhere.statusCode).toBe(400);
    expect(nowhere.json().errors).toEqual([{ field: 'area', message: 'Choose an area of the place' }]);
    const postcode = await feed('postcode=ZZ9%209ZZ');
    expect(postcode.statusCode).toBe(400);
    expect(postcode.json().errors[0].field).toBe('postcode');
  });

  it('takes a postcode the gazetteer knows as the middle of its addresses', async () => {
    const found = await t.services.requests.addresses.find('AV9 1AA');
    expect(found.length).toBeGreaterThan(0);
    const middle = found.reduce(
      (m, a) => [(m[0] ?? 0) + a.latitude / found.length, (m[1] ?? 0) + a.longitude / found.length],
      [0, 0],
    );
    const byPostcode = await feed('postcode=AV9%201AA&distance=3000');
    const byPoint = await feed(`lat=${middle[0]}&lon=${middle[1]}&distance=3000`);
    expect(byPostcode.statusCode).toBe(200);
    const entries = (body: string) => parser.parse(body).feed.entry ?? [];
    expect(entries(byPostcode.body)).toEqual(entries(byPoint.body));
  });
});
