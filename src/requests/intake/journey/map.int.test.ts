// The server-drawn map through HTTP against the real database: the picture with open reports of
// the service close up, nonsense in its address answered with the whole place (never an error),
// and a click that is not on the map or outside the place refused with nothing chosen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeader, type TestContext, testApp } from '../../../../test/support.ts';
import { demoPoints } from '../../../places/index.ts';

let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const [lon, lat] = demoPoints.ashbyVale;
const REPORTED = 'fill="#f47738"';

describe('the server-drawn map', () => {
  it('draws open reports of the service near the middle of the view, close up only', async () => {
    await t.services.requests.submit({ service: 'fly-tipping', lat, lon, description: 'Sofa in the lane' });
    const svg = async (query: string) => {
      const response = await t.app.inject({ url: `/map.svg?${query}` });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('image/svg+xml');
      return response.body;
    };
    expect(await svg(`mlat=${lat}&mlon=${lon}&z=5&service=fly-tipping`)).toContain(REPORTED);
    expect(await svg(`mlat=${lat}&mlon=${lon}&z=5&service=pothole`)).not.toContain(REPORTED);
    expect(await svg(`mlat=${lat}&mlon=${lon}&z=1&service=fly-tipping`)).not.toContain(REPORTED);
    expect(await svg(`mlat=${lat}&mlon=${lon}&z=5&service=no-such-service`)).not.toContain(REPORTED);
    expect(await svg('mlat=north&mlon=%3Cscript%3E&z=1.5&plat=x')).toContain('Ashby Vale');
  });

  it('refuses a click off the map or outside the place, choosing nothing', async () => {
    const start = await t.app.inject({ url: '/report', headers: { accept: 'text/html' } });
    let jar = cookieHeader(start.cookies);
    const token = /name="_csrf" value="([^"]+)"/.exec(start.body)?.[1] ?? '';
    const post = async (url: string, fields: Record<string, string>) => {
      const response = await t.app.inject({
        method: 'POST',
        url,
        headers: { accept: 'text/html', cookie: jar, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
      });
      if (response.cookies.length > 0) jar = `${jar}; ${cookieHeader(response.cookies)}`;
      return response;
    };
    expect((await post('/report', { service: 'pothole' })).statusCode).toBe(303);
    const view = { mlat: String(lat), mlon: String(lon), z: '5' };
    const off = await post('/report/where/map', { ...view, 'map.x': '-5', 'map.y': 'ten' });
    expect(off.statusCode).toBe(400);
    expect(off.body).toContain('Select a place on the map');
    const [outLon, outLat] = demoPoints.outside;
    const outside = await post('/report/where/map', {
      mlat: String(outLat),
      mlon: String(outLon),
      z: '5',
      'map.x': '160',
      'map.y': '150',
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.body).toContain('outside Fellshire');
    const details = await t.app.inject({
      url: '/report/details',
      headers: { accept: 'text/html', cookie: jar },
    });
    expect(details.headers.location).toBe('/report/where'); // no point was chosen
    const chosen = await post('/report/where/map', { ...view, 'map.x': '160', 'map.y': '150' });
    expect(chosen.headers.location).toBe('/report/details');
  });

  it('gives the interactive map the open reports near a point, where and what only, and 400 for nonsense', async () => {
    await t.services.requests.submit({
      service: 'fly-tipping',
      lat,
      lon,
      description: 'A fridge by the gate',
      email: 'amina.khan@example.com',
    });
    const near = await t.app.inject({ url: `/map/reports.json?service=fly-tipping&lat=${lat}&lon=${lon}` });
    expect(near.statusCode).toBe(200);
    const { reports } = near.json() as { reports: Record<string, unknown>[] };
    expect(reports.length).toBeGreaterThan(0);
    for (const report of reports)
      expect(Object.keys(report).sort()).toEqual(['lat', 'lon', 'service', 'status']);
    expect(near.body).not.toContain('fridge');
    expect(near.body).not.toContain('amina');
    for (const bad of [
      '',
      'service=fly-tipping',
      `service=no-such-service&lat=${lat}&lon=${lon}`,
      'service=fly-tipping&lat=north&lon=1',
    ]) {
      const answer = await t.app.inject({
        url: `/map/reports.json?${bad}`,
        headers: { accept: 'application/json' },
      });
      expect(answer.statusCode, bad).toBe(400);
      expect(answer.headers['content-type']).toContain('application/problem+json');
    }
  });
});
