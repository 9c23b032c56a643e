// A system that speaks FixMyStreet's dialect of GeoReport v2 (servicerequestupdates), started by
// the test on a real port, answering as such systems do on a bad day: an error, malformed XML,
// silence; then updates, some for requests never sent or with statuses Flagstone does not know.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrator, type TestContext, testApp } from '../../../test/support.ts';
import { demoPoints } from '../../places/index.ts';
import type { Actor } from '../../platform/index.ts';
import { RemoteError, remoteCall } from './georeport.ts';

let t: TestContext;
let server: Server;
let base: string;
let answer: { status: number; body: string } = { status: 500, body: 'Internal error' };
let updatesXml = '<service_request_updates></service_request_updates>';
const asked: URLSearchParams[] = [];
const [lon, lat] = demoPoints.northmoor;

const update = (id: string, remote: string, status: string, at: string, description = '') =>
  `<request_update><update_id>${id}</update_id><service_request_id>${remote}</service_request_id><status>${status}</status><updated_datetime>${at}</updated_datetime><description>${description}</description></request_update>`;
const query = async (sql: string, values: unknown[] = []) =>
  (await t.services.database.pool.query(sql, values)).rows;
const sendState = async () =>
  (await query('SELECT state, last_error, remote_id, case_id FROM outbound_sends'))[0] as {
    state: string;
    last_error: string | null;
    remote_id: string | null;
    case_id: string;
  };

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname === '/silent') return; // never answers
    if (request.method === 'GET' && url.pathname === '/georeport/v2/servicerequestupdates.xml') {
      asked.push(url.searchParams);
      response.writeHead(200, { 'content-type': 'text/xml' }).end(updatesXml);
      return;
    }
    request.resume();
    request.on('end', () =>
      response.writeHead(answer.status, { 'content-type': 'text/xml' }).end(answer.body),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  t = await testApp();
  const admin = (await t.services.identity.actorByEmail(administrator().email)) as Actor;
  await t.services.outbound.addSystem(admin, {
    organisation: 'northmoor-dc',
    name: 'Northmoor Streets (FixMyStreet Pro)',
    endpoint: `${base}/georeport/v2`,
    apiKey: 'fms-key',
    services: 'missed-bin missed_collection',
    sendContact: true,
  });
  await t.services.requests.submit({
    service: 'missed-bin',
    lat,
    lon,
    attributes: { bin: 'refuse' },
    description: 'Black bin missed',
    email: 'kim@example.com',
    firstName: 'Kim',
  });
});
afterAll(async () => {
  await t?.close();
  await new Promise((done) => server.close(done));
});

describe('a system answering badly, then well', () => {
  it('keeps the send on an error or malformed XML, and sends it once the system answers', async () => {
    expect((await t.services.outbound.sendDue()).tried).toBe(1);
    expect(await sendState()).toMatchObject({ state: 'waiting', last_error: 'The system answered 500' });
    answer = { status: 200, body: '<service_requests><request><service_request_id>' };
    t.clock.wait(60_000);
    await t.services.outbound.sendDue();
    expect(await sendState()).toMatchObject({
      state: 'waiting',
      last_error: 'The system answered with malformed XML',
    });
    answer = {
      status: 200,
      body: '<?xml version="1.0"?><service_requests><request><service_request_id>4021</service_request_id></request></service_requests>',
    };
    t.clock.wait(120_000);
    await t.services.outbound.sendDue();
    expect(await sendState()).toMatchObject({ state: 'sent', last_error: null, remote_id: '4021' });
  });

  it('gives up waiting for a system that does not answer', async () => {
    await expect(remoteCall(`${base}/silent`, {}, 200)).rejects.toThrow(
      new RemoteError('The system did not answer in time'),
    );
  });
});

describe("polling FixMyStreet's servicerequestupdates", () => {
  it('applies updates in order, once, leaving out those it cannot place or read', async () => {
    updatesXml = `<?xml version="1.0" encoding="utf-8"?><service_request_updates>
      ${update('91', '4021', 'FIXED', '2026-03-02T15:00:00Z', 'Bin emptied on a return visit')}
      ${update('90', '4021', 'INVESTIGATING', '2026-03-02T09:00:00Z', 'Crew told')}
      ${update('92', '9999', 'FIXED', '2026-03-02T16:00:00Z', 'Not one of ours')}
      ${update('93', '4021', 'ON_FIRE', '2026-03-02T17:00:00Z')}
    </service_request_updates>`;
    expect(await t.services.outbound.pollUpdates()).toEqual({ applied: 2, failed: [] });
    expect(asked[0]?.get('api_key')).toBe('fms-key');
    expect(asked[0]?.get('start_date')).toMatch(/^\d{4}-\d\d-\d\dT/);
    const { case_id } = await sendState();
    const updates = await query(
      "SELECT body, status FROM case_updates WHERE case_id = $1 AND kind = 'public' ORDER BY id",
      [case_id],
    );
    expect(updates).toEqual([
      { body: 'Crew told', status: 'in_progress' },
      { body: 'Bin emptied on a return visit', status: 'resolved' },
    ]);
    expect((await query('SELECT status FROM cases WHERE id = $1', [case_id]))[0].status).toBe('resolved');
    // The next poll asks from the newest update read; the same list again changes nothing.
    expect(await query('SELECT updates_since FROM outbound_systems')).toEqual([
      { updates_since: new Date('2026-03-02T16:00:00Z') },
    ]);
    await query("UPDATE cases SET status = 'in_progress', status_reason = NULL WHERE id = $1", [case_id]);
    expect(await t.services.outbound.pollUpdates()).toEqual({ applied: 0, failed: [] });
    expect(asked[1]?.get('start_date')).toBe('2026-03-02T16:00:00.000Z');
    expect(await query('SELECT count(*)::int AS n FROM case_updates WHERE case_id = $1', [case_id])).toEqual([
      { n: updates.length + 1 },
    ]);
  });

  it('counts a system that answers badly as failed this time, changing nothing', async () => {
    updatesXml = '<service_request_updates><request_update>';
    answer = { status: 502, body: 'Bad gateway' };
    const before = await query('SELECT count(*)::int AS n FROM case_updates');
    const [system] = await query('SELECT id FROM outbound_systems');
    expect(await t.services.outbound.pollUpdates()).toEqual({ applied: 0, failed: [system.id] });
    expect(await query('SELECT count(*)::int AS n FROM case_updates')).toEqual(before);
  });
});
