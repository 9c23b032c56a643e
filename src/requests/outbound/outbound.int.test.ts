// Sending a case on to a district's own system: a second Flagstone, on a database of its own,
// listening on a real port, plays the district's waste system. A citizen's missed-bin report is
// posted to it by Open311, the district resolves it there, and the citizen sees the resolution
// here; updates pushed with the system's token are applied once; a system out of reach is tried
// again with back-off, then shown to administrators, and nothing is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  administrator,
  demoAccount,
  postOpen311Request,
  signIn,
  type TestContext,
  testApp,
} from '../../../test/support.ts';
import { demoPoints } from '../../places/index.ts';
import type { Actor } from '../../platform/index.ts';
import { MAX_ATTEMPTS, PUSH_PATH } from './index.ts';

let here: TestContext;
let district: TestContext;
let remote: string;
const DISTRICT_KEY = 'key-the-district-gave-flagstone';
const CLIENT_KEY = 'citizen-app-key';
const [lon, lat] = demoPoints.ashbyVale;
let admin: Actor;
let pushToken: string;

const query = async (t: TestContext, sql: string, values: unknown[] = []) =>
  (await t.services.database.pool.query(sql, values)).rows;

async function reportMissedBin(description: string) {
  const response = await postOpen311Request(here.app, {
    api_key: CLIENT_KEY,
    service_code: 'missed-bin',
    lat: String(lat),
    long: String(lon),
    'attribute[bin]': 'recycling',
    description,
    email: 'resident@example.com',
    first_name: 'Pat',
  });
  expect(response.statusCode).toBe(200);
  const reference: string = response.json()[0].service_request_id;
  const [row] = await query(here, 'SELECT id FROM cases WHERE reference = $1', [reference]);
  return { reference, id: row.id as string };
}

const push = (token: string, body: Record<string, string>) =>
  here.app.inject({
    method: 'POST',
    url: PUSH_PATH,
    headers: { 'content-type': 'application/json', 'x-push-token': token },
    payload: JSON.stringify(body),
  });

beforeAll(async () => {
  [here, district] = await Promise.all([testApp(), testApp()]);
  await district.services.requests.issueApiKey('Flagstone of Fellshire', DISTRICT_KEY);
  await here.services.requests.issueApiKey('Citizen app', CLIENT_KEY);
  remote = `${await district.app.listen({ host: '127.0.0.1', port: 0 })}/open311/v2`;
  admin = (await here.services.identity.actorByEmail(administrator().email)) as Actor;
  const added = await here.services.outbound.addSystem(admin, {
    organisation: 'ashby-vale-dc',
    name: 'Ashby Vale Waste System',
    endpoint: `${remote}/`,
    apiKey: DISTRICT_KEY,
    services: 'missed-bin',
    sendContact: false,
  });
  pushToken = added.pushToken;
});
afterAll(async () => {
  await Promise.all([here?.close(), district?.close()]);
});

describe("sending a case on to the district's own system", () => {
  let sent: { reference: string; id: string; remoteId: string };

  it('posts the missed bin to the system, records its id and says where the case is held', async () => {
    const report = await reportMissedBin('Recycling not collected on Elm Road');
    expect(await here.services.outbound.sendDue()).toEqual({ added: 1, tried: 1 });
    const [send] = await query(
      here,
      'SELECT state, remote_id, attempts FROM outbound_sends WHERE case_id = $1',
      [report.id],
    );
    expect(send).toMatchObject({ state: 'sent', attempts: 1 });
    sent = { ...report, remoteId: send.remote_id };
    // The district's system holds it as a case of its own, with no contact details (not allowed to go).
    const [there] = await query(
      district,
      'SELECT service_code, description, attributes, email, first_name FROM cases WHERE reference = $1',
      [send.remote_id],
    );
    expect(there).toMatchObject({
      service_code: 'missed-bin',
      attributes: { bin: 'recycling' },
      email: null,
      first_name: null,
    });
    expect(there.description).toContain(report.reference);
    expect(await here.services.outbound.heldIn([report.id])).toEqual(
      new Map([[report.id, { system: 'Ashby Vale Waste System', remoteId: send.remote_id }]]),
    );
    const [entry] = await query(here, "SELECT body FROM audit_ledger WHERE action = 'case.sent_on'");
    expect(JSON.parse(entry.body).detail).toMatchObject({ remoteId: send.remote_id, contact: false });
    // Staff of the district see, in Flagstone's inbox, where the case is held.
    const staff = demoAccount((c) => c.email === 'liam.brennan@ashby-vale-dc.example.org');
    const cookie = await signIn(here.app, staff.email, staff.password);
    const inbox = await here.app.inject({
      url: '/cases?service=missed-bin',
      headers: { cookie, accept: 'text/html' },
    });
    expect(inbox.body).toMatch(
      new RegExp(`${report.reference}</a>[\\s\\S]*?held in Ashby Vale Waste System`),
    );
    // Sent once: the next run has nothing to do.
    expect(await here.services.outbound.sendDue()).toEqual({ added: 0, tried: 0 });
  });

  it('brings the resolution made in the system back to the case and the citizen, once', async () => {
    const staff = (await district.services.identity.actorByEmail(
      'liam.brennan@ashby-vale-dc.example.org',
    )) as Actor;
    const [there] = await query(district, 'SELECT id FROM cases WHERE reference = $1', [sent.remoteId]);
    await district.services.requests.changeStatus(staff, there.id, {
      status: 'resolved',
      reason: 'Collected by the crew this afternoon',
    });
    expect((await here.services.outbound.pollUpdates()).applied).toBe(1);
    const [row] = await query(here, 'SELECT status, status_reason FROM cases WHERE id = $1', [sent.id]);
    expect(row).toEqual({ status: 'resolved', status_reason: 'Collected by the crew this afternoon' });
    const mails = await query(
      here,
      "SELECT personalisation FROM notification_outbox WHERE template = 'request-updated' AND recipient = 'resident@example.com'",
    );
    expect(mails).toHaveLength(1);
    const seen = await here.app.inject({ url: `/open311/v2/requests/${sent.reference}.json` });
    expect(seen.json()[0]).toMatchObject({
      status: 'closed',
      status_notes: 'Collected by the crew this afternoon',
    });
    // Polling again finds the same update: nothing changes twice.
    const before = await query(here, 'SELECT count(*)::int AS n FROM case_updates WHERE case_id = $1', [
      sent.id,
    ]);
    await here.services.outbound.pollUpdates();
    expect(
      await query(here, 'SELECT count(*)::int AS n FROM case_updates WHERE case_id = $1', [sent.id]),
    ).toEqual(before);
  });
});

describe('contact details sent on', () => {
  it('go only where the organisation allows it and the person said yes', async () => {
    await here.services.outbound.addSystem(admin, {
      organisation: 'ashby-vale-dc',
      name: 'Ashby Vale Street Scene',
      endpoint: `${remote}/`,
      apiKey: DISTRICT_KEY,
      services: 'graffiti',
      sendContact: true,
    });
    // Two places 300 m apart, so that neither report is joined to the other.
    const report = (email: string, shareContact: boolean, north: number) =>
      here.services.requests.submit({
        service: 'graffiti',
        lat: lat + north / 111_195,
        lon,
        description: 'Paint on the bus shelter',
        email,
        firstName: 'Robin',
        shareContact,
      });
    const [yes, no] = [
      await report('yes@example.com', true, 300),
      await report('no@example.com', false, 600),
    ];
    expect(await here.services.outbound.sendDue()).toMatchObject({ added: 2, tried: 2 });
    const there = async (reference: string) => {
      const [send] = await query(
        here,
        'SELECT remote_id FROM outbound_sends d JOIN cases c ON c.id = d.case_id WHERE c.reference = $1',
        [reference],
      );
      return (
        await query(district, 'SELECT email, first_name FROM cases WHERE reference = $1', [send.remote_id])
      )[0];
    };
    expect(await there(yes.reference)).toEqual({ email: 'yes@example.com', first_name: 'Robin' });
    expect(await there(no.reference)).toEqual({ email: null, first_name: null });
    const entries = await query(
      here,
      "SELECT body FROM audit_ledger WHERE action = 'case.sent_on' ORDER BY seq DESC LIMIT 2",
    );
    expect(entries.map((e) => JSON.parse(e.body).detail.contact).sort()).toEqual([false, true]);
  });
});

describe('updates pushed by the system', () => {
  let reference: { id: string; remoteId: string };
  const update = (over: Record<string, string> = {}) => ({
    update_id: 'u-1',
    service_request_id: reference.remoteId,
    status: 'IN_PROGRESS',
    updated_datetime: '2026-03-02T10:00:00Z',
    description: 'Crew booked for Thursday',
    ...over,
  });

  beforeAll(async () => {
    const report = await reportMissedBin('Garden waste missed');
    await here.services.outbound.sendDue();
    const [send] = await query(here, 'SELECT remote_id FROM outbound_sends WHERE case_id = $1', [report.id]);
    reference = { id: report.id, remoteId: send.remote_id };
  });

  it('refuses a forged token, a request never sent, an unknown status and a bad date, changing nothing', async () => {
    expect((await push('push_forged', update())).statusCode).toBe(401);
    expect((await push('', update())).statusCode).toBe(401);
    const never = await push(pushToken, update({ service_request_id: 'NEVER-SENT' }));
    expect(never.statusCode).toBe(404);
    expect(never.headers['content-type']).toContain('application/problem+json');
    expect((await push(pushToken, update({ status: 'ON_FIRE' }))).json().errors[0].field).toBe('status');
    expect((await push(pushToken, update({ updated_datetime: 'yesterday' }))).statusCode).toBe(400);
    expect((await push(pushToken, { update_id: 'x' })).statusCode).toBe(400);
    expect(
      await query(here, 'SELECT count(*)::int AS n FROM outbound_updates WHERE case_id = $1', [reference.id]),
    ).toEqual([{ n: 0 }]);
  });

  it('applies an update once; a replay is a repeat; an older one adds its words but not its status', async () => {
    const first = await push(pushToken, update());
    expect(first.json()).toEqual({ outcome: 'applied' });
    expect((await push(pushToken, update())).json()).toEqual({ outcome: 'repeat' });
    const older = await push(
      pushToken,
      update({
        update_id: 'u-0',
        status: 'OPEN',
        updated_datetime: '2026-03-01T09:00:00Z',
        description: 'Logged',
      }),
    );
    expect(older.json()).toEqual({ outcome: 'applied' });
    const [row] = await query(here, 'SELECT status FROM cases WHERE id = $1', [reference.id]);
    expect(row.status).toBe('in_progress');
    const updates = await query(
      here,
      "SELECT body, status FROM case_updates WHERE case_id = $1 AND kind = 'public' ORDER BY id",
      [reference.id],
    );
    expect(updates).toEqual([
      { body: 'Crew booked for Thursday', status: 'in_progress' },
      { body: 'Logged', status: null },
    ]);
  });
});

describe('a system out of reach', () => {
  it('is tried again with back-off, then waits for an administrator, who sees it and tries again', async () => {
    const added = await here.services.outbound.addSystem(admin, {
      organisation: 'ashby-vale-dc',
      name: 'Old Bulky Waste System',
      endpoint: 'http://127.0.0.1:9/open311/v2',
      apiKey: 'sealed-secret-key-123',
      services: 'bulky-waste BULKY',
      sendContact: true,
    });
    expect(added.pushToken).toMatch(/^push_/);
    const response = await postOpen311Request(here.app, {
      api_key: CLIENT_KEY,
      service_code: 'bulky-waste',
      lat: String(lat),
      long: String(lon),
      description: 'A sofa to collect',
    });
    expect(response.statusCode).toBe(200);
    const waits: number[] = [];
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      expect((await here.services.outbound.sendDue()).tried).toBe(1);
      const [send] = await query(
        here,
        "SELECT state, next_attempt_at, last_error FROM outbound_sends WHERE state <> 'sent'",
      );
      expect(send.last_error).toBe('The system could not be reached');
      waits.push(Math.round((send.next_attempt_at.getTime() - here.clock.now().getTime()) / 1000));
      here.clock.wait(3_600_000);
    }
    expect(waits.slice(0, 5)).toEqual([30, 60, 120, 240, 480]);
    const [failed] = await query(here, "SELECT case_id, state FROM outbound_sends WHERE state <> 'sent'");
    expect(failed.state).toBe('failed');
    expect(
      await query(here, "SELECT count(*)::int AS n FROM audit_ledger WHERE action = 'case.send_failed'"),
    ).toEqual([{ n: MAX_ATTEMPTS }]);
    // The administrators' page shows the failure and never the key.
    const cookie = await signIn(here.app, administrator().email, administrator().password);
    const page = await here.app.inject({ url: '/admin/outbound', headers: { cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Old Bulky Waste System');
    expect(page.body).toContain('The system could not be reached');
    expect(page.body).not.toContain('sealed-secret-key-123');
    expect(JSON.stringify(await query(here, 'SELECT * FROM outbound_systems'))).not.toContain(
      'sealed-secret-key-123',
    );
    await here.services.outbound.retrySend(admin, failed.case_id);
    const [again] = await query(here, 'SELECT state, attempts FROM outbound_sends WHERE case_id = $1', [
      failed.case_id,
    ]);
    expect(again).toEqual({ state: 'waiting', attempts: 0 });
  });

  it('refuses a system with bad settings, naming each mistake, and adds nothing', async () => {
    const systemsBefore = await query(here, 'SELECT count(*)::int AS n FROM outbound_systems');
    const cookie = await signIn(here.app, administrator().email, administrator().password);
    const form = await here.app.inject({ url: '/admin/outbound', headers: { cookie, accept: 'text/html' } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const response = await here.app.inject({
      method: 'POST',
      url: '/admin/outbound',
      headers: { cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrf,
        organisation: 'nowhere',
        name: '',
        endpoint: 'ftp://user:pw@example.org',
        apiKey: 'typed-key-456',
        services: 'no-such-service',
      }).toString(),
    });
    expect(response.statusCode).toBe(400);
    for (const message of [
      'Choose the organisation whose system it is',
      'Enter the name of the system',
      'Enter the Open311 address',
      'There is no service no-such-service',
    ])
      expect(response.body).toContain(message);
    expect(response.body).not.toContain('typed-key-456');
    expect(await query(here, 'SELECT count(*)::int AS n FROM outbound_systems')).toEqual(systemsBefore);
    const staff = await here.app.inject({ url: '/admin/outbound', headers: { accept: 'text/html' } });
    expect(staff.statusCode).not.toBe(200);
  });
});
