// Local alerts by email: asked for on the page (bad answers shown in the error summary), started
// only from the link emailed to the address, sent the new reports near the point and nothing
// personal, and ended in one click from the email.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../../test/support.ts';
import { demoPoints } from '../../places/index.ts';

let t: TestContext;
const [lon, lat] = demoPoints.ashbyVale;
const BASE = 'https://reports.fellshire.example';
const query = async (sql: string, values: unknown[] = []) =>
  (await t.services.database.pool.query(sql, values)).rows;
const outbox = async (template: string) =>
  (
    await query(
      'SELECT recipient, personalisation FROM notification_outbox WHERE template = $1 ORDER BY id',
      [template],
    )
  ).map((r) => r.personalisation);

async function post(form: Record<string, string>) {
  const page = await t.app.inject({ url: '/alerts', headers: { accept: 'text/html' } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return t.app.inject({
    method: 'POST',
    url: '/alerts',
    headers: { accept: 'text/html', cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, ...form }).toString(),
  });
}
const path = (link: string) => new URL(link).pathname;

const GAZETTEER = `uprn,address,town,postcode,latitude,longitude
200000000101,1 Alert Row,Ashby,AV9 1AA,${lat},${lon + 0.001}
200000000102,2 Alert Row,Ashby,AV9 1AA,${lat + 0.001},${lon + 0.001}
`;

beforeAll(async () => {
  t = await testApp({ FLAGSTONE_URL: BASE });
  await t.services.properties.importProperties(Readable.from([GAZETTEER]));
});
afterAll(() => t?.close());

describe('local alerts by email', () => {
  it('refuses a point outside the place and a bad address, adding nothing', async () => {
    const [outLon, outLat] = demoPoints.outside;
    const outside = await post({
      email: 'me@example.com',
      lat: String(outLat),
      lon: String(outLon),
      distance: '500',
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.body).toContain('outside');
    const bad = await post({ email: 'not-an-address', lat: 'x', lon: String(lon), distance: '1' });
    expect(bad.statusCode).toBe(400);
    for (const text of ['Enter your email address', 'Give the latitude', 'Give the distance'])
      expect(bad.body).toContain(text);
    expect(await query('SELECT count(*)::int AS n FROM alert_subscriptions')).toEqual([{ n: 0 }]);
  });

  it('starts from the emailed link, sends the new reports near the point, and stops in one click', async () => {
    const asked = await post({
      email: 'watcher@example.com',
      lat: String(lat),
      lon: String(lon),
      distance: '1000',
      service: 'missed-bin',
    });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Check your email');
    const [confirm] = await outbox('alert-confirm');
    // Not confirmed: nothing is sent.
    await t.services.requests.submit({
      service: 'missed-bin',
      lat,
      lon: lon + 0.002,
      attributes: { bin: 'food' },
      description: 'Bins of 4 Oak Close',
      email: 'reporter@example.com',
    });
    t.clock.wait(1000);
    expect(await t.services.alerts.sendAlerts(BASE)).toEqual({ sent: 0 });

    const confirmed = await t.app.inject({ url: path(confirm.link), headers: { accept: 'text/html' } });
    expect(confirmed.statusCode).toBe(200);
    expect(
      (await t.app.inject({ url: path(confirm.link), headers: { accept: 'text/html' } })).statusCode,
    ).toBe(409);
    t.clock.wait(1000);
    const made = await t.services.requests.submit({
      service: 'missed-bin',
      lat,
      lon: lon + 0.003,
      attributes: { bin: 'food' },
      description: 'Bins of 5 Oak Close',
      email: 'reporter@example.com',
    });
    await t.services.requests.submit({ service: 'pothole', lat, lon, attributes: { size: 'small' } });
    t.clock.wait(1000);
    expect(await t.services.alerts.sendAlerts(BASE)).toEqual({ sent: 1 });
    expect(await t.services.alerts.sendAlerts(BASE)).toEqual({ sent: 0 });
    const [alert] = await outbox('alert-reports');
    expect(alert.count).toBe('1');
    expect(alert.reports).toContain(`${BASE}/follow/${made.reference}`);
    for (const secret of ['Oak Close', 'reporter@example.com'])
      expect(JSON.stringify(alert)).not.toContain(secret);

    const stopped = await t.app.inject({ url: path(alert.unsubscribe), headers: { accept: 'text/html' } });
    expect(stopped.statusCode).toBe(200);
    expect(await query('SELECT count(*)::int AS n FROM alert_subscriptions')).toEqual([{ n: 0 }]);
    expect(
      (await t.app.inject({ url: path(alert.unsubscribe), headers: { accept: 'text/html' } })).statusCode,
    ).toBe(404);
  });

  it('takes an area or a postcode instead of a point, and sends an area’s new reports wherever they are in it', async () => {
    const none = await post({ email: 'area@example.com', where: 'area', area: '' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Choose an area of the place');
    const unknown = await post({ email: 'area@example.com', where: 'address', postcode: 'ZZ9 9ZZ' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('We could not find ZZ9 9ZZ in');
    expect(await query('SELECT count(*)::int AS n FROM alert_subscriptions')).toEqual([{ n: 0 }]);

    expect(
      (await post({ email: 'street@example.com', where: 'address', postcode: 'AV9 1AA' })).statusCode,
    ).toBe(200);
    const asked = await post({ email: 'area@example.com', where: 'area', area: 'northmoor', lat: '1' });
    expect(asked.statusCode).toBe(200);
    expect(await query('SELECT lat, lon, metres FROM alert_subscriptions WHERE area_id IS NOT NULL')).toEqual(
      [{ lat: null, lon: null, metres: null }],
    );
    const confirms = await query(
      "SELECT recipient, personalisation FROM notification_outbox WHERE template = 'alert-confirm' AND recipient IN ('street@example.com', 'area@example.com') ORDER BY recipient",
    );
    expect(confirms.map((c) => c.personalisation.where)).toEqual([
      'in Northmoor',
      'within 1000 metres of a point',
    ]);
    for (const c of confirms)
      await t.app.inject({ url: path(c.personalisation.link), headers: { accept: 'text/html' } });
    t.clock.wait(1000);
    const [northLon, northLat] = demoPoints.northmoor;
    const there = await t.services.requests.submit({
      service: 'missed-bin',
      lat: northLat,
      lon: northLon,
      attributes: { bin: 'food' },
    });
    t.clock.wait(1000);
    expect(await t.services.alerts.sendAlerts(BASE)).toEqual({ sent: 1 });
    const alerts = (await outbox('alert-reports')).map((a) => a.reports);
    expect(alerts).toContainEqual(
      `Report a missed bin collection, reported in Northmoor: ${BASE}/follow/${there.reference}`,
    );
  });
});
