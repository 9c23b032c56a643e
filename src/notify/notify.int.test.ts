// Notifications against a real HTTP server on loopback that answers as GOV.UK Notify does,
// through the official client: the signed token arrives, a failed send is retried with
// back-off, a refused one is marked failed, no transaction is open while Notify answers, two
// senders never send one message twice, a message whose sender died or was cut off is sent
// again only if Notify does not have it, failures are logged without personal data, a citizen
// who gave only a phone number gets texts, and the outbox outlives a restart of the jobs.
import { spawn } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  notifyConfig,
  notifyServer,
  SERVICE_ID,
  SMS_TEMPLATE,
  TEMPLATE,
} from '../../test/notify-stand-in.ts';
import { administrator, demoAccount, postOpen311Request, signIn, testDatabase } from '../../test/support.ts';
import { createApp } from '../app.ts';
import { type Services, servicesFor, startJobs } from '../compose.ts';
import { loadConfig } from '../config.ts';
import { connect } from '../db/index.ts';
import { demoPoints } from '../places/index.ts';
import { type NotifyConfig, notifySender } from './index.ts';

const failing = new Set<string>();
const refused = new Set<string>();
const notify = notifyServer((to) => (refused.has(to) ? 400 : failing.has(to) ? 500 : 201));
let config: NotifyConfig;
// Real time, or a time the test sets (while signing in, the real time: second factors use it).
let now: Date | null = null;
const clock = { now: () => now ?? new Date() };
const later = (ms: number) => {
  now = new Date(clock.now().getTime() + ms);
};
let services: Services;
let databaseUrl: string;
let app: FastifyInstance;
let close: () => Promise<void>;
const log = { error: () => {} };

beforeAll(async () => {
  const base = await notify.listen();
  config = notifyConfig(base);
  const { url, drop } = await testDatabase();
  databaseUrl = url;
  const database = connect(url, 4);
  services = await servicesFor(database, { clock });
  app = await createApp(loadConfig({ LOG_LEVEL: 'silent' }), services);
  close = async () => {
    await services.jobs.stop();
    await app.close();
    await database.close();
    await drop();
  };
});
afterAll(async () => {
  await close?.();
  await notify.close();
});

const queue = (recipient: string, reference: string) =>
  services.database.db.transaction().execute((trx) =>
    services.notify.queue(trx, [
      {
        channel: 'email',
        recipient,
        template: 'request-updated',
        personalisation: { reference, status: 'Resolved', update: 'Filled' },
        reference,
      },
    ]),
  );

async function outboxRow(reference: string) {
  const admin = await services.identity.actorByEmail(administrator().email);
  const { rows } = await services.notify.outbox(admin);
  return rows.find((r) => r.reference === reference);
}

describe('sending the outbox through GOV.UK Notify', () => {
  beforeAll(() => {
    now = new Date();
  });
  afterAll(() => {
    now = null;
  });

  it('keeps messages in the outbox when no Notify key is configured', async () => {
    expect(loadConfig({}).notify).toBeNull();
    await queue('kept@example.com', 'KEEP-0001');
    expect(await services.notify.sendDue(null)).toEqual({ sent: 0, failed: 0 });
    expect(await outboxRow('KEEP-0001')).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it("sends with the official client: the token signed with the key's secret arrives, and the message is marked sent", async () => {
    await queue('sent@example.com', 'SEND-0001');
    const result = await services.notify.sendDue(notifySender(config));
    expect(result.sent).toBeGreaterThanOrEqual(1);
    const got = notify.received.find((r) => r.ref === 'SEND-0001');
    expect(got).toMatchObject({
      path: '/v2/notifications/email',
      issuer: SERVICE_ID,
      body: {
        template_id: TEMPLATE,
        email_address: 'sent@example.com',
        personalisation: { status: 'Resolved' },
      },
    });
    expect(await outboxRow('SEND-0001')).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('retries a failed send after 1, then 2 minutes, and sends once Notify answers', async () => {
    failing.add('flaky@example.com');
    await queue('flaky@example.com', 'FLAK-0001');
    const sender = notifySender(config);
    await services.notify.sendDue(sender);
    let row = await outboxRow('FLAK-0001');
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'Notify answered 500 Exception',
    });
    expect(row?.next_attempt_at.getTime()).toBe(clock.now().getTime() + 60_000);
    later(30_000);
    await services.notify.sendDue(sender); // not due yet
    expect((await outboxRow('FLAK-0001'))?.attempts).toBe(1);
    later(30_000);
    await services.notify.sendDue(sender);
    row = await outboxRow('FLAK-0001');
    expect(row?.attempts).toBe(2);
    expect(row?.next_attempt_at.getTime()).toBe(clock.now().getTime() + 120_000);
    failing.delete('flaky@example.com');
    later(120_000);
    await services.notify.sendDue(sender);
    expect(await outboxRow('FLAK-0001')).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
  });

  it('marks a message Notify refuses as failed at once, keeping the recipient out of the error', async () => {
    refused.add('refused@example.com');
    await queue('refused@example.com', 'RFSD-0001');
    await services.notify.sendDue(notifySender(config));
    const row = await outboxRow('RFSD-0001');
    expect(row).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: 'Notify answered 400 BadRequestError',
    });
  });

  it('holds no transaction open while Notify answers: the message can be read and changed meanwhile', async () => {
    const release = notify.hold('held@example.com');
    await queue('held@example.com', 'HELD-0001');
    const sending = services.notify.sendDue(notifySender(config));
    await notify.arrival('HELD-0001');
    const { db } = services.database;
    const open = await sql<{ state: string }>`
      select state from pg_stat_activity
      where datname = current_database() and state like 'idle in transaction%'`.execute(db);
    expect(open.rows).toEqual([]);
    await db.transaction().execute(async (trx) => {
      // Another connection does not wait for the sender: a lock held would fail this in a second.
      await sql`set local lock_timeout = '1s'`.execute(trx);
      const changed = await sql<{ status: string }>`
        update notification_outbox set last_error = 'read while sending'
        where reference = 'HELD-0001' returning status`.execute(trx);
      expect(changed.rows).toEqual([{ status: 'pending' }]);
    });
    release();
    await sending;
    expect(await outboxRow('HELD-0001')).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
  });

  it('never sends one message twice when two senders run at once', async () => {
    const references = Array.from({ length: 12 }, (_, i) => `TWIN-${String(i).padStart(4, '0')}`);
    for (const [i, reference] of references.entries()) {
      await queue(`twin${i}@example.com`, reference);
      notify.waits.set(`twin${i}@example.com`, () => new Promise((resolve) => setTimeout(resolve, 15)));
    }
    const sender = notifySender(config);
    const sendAll = async () => {
      let sent = 0;
      for (let result = await services.notify.sendDue(sender, 3); result.sent > 0; ) {
        sent += result.sent;
        result = await services.notify.sendDue(sender, 3);
      }
      return sent;
    };
    const [one, other] = await Promise.all([sendAll(), sendAll()]);
    for (const i of references.keys()) notify.waits.delete(`twin${i}@example.com`);
    const arrived = notify.received.map((r) => r.ref).filter((r) => references.includes(r as string));
    expect(arrived.sort()).toEqual(references);
    expect(one).toBeGreaterThan(0);
    expect(other).toBeGreaterThan(0);
    for (const reference of references) expect((await outboxRow(reference))?.status).toBe('sent');
  });

  it('claims a message again after its lease of 10 minutes when its sender died while sending, and does not send it twice when Notify had it', async () => {
    const release = notify.hold('died@example.com');
    await queue('died@example.com', 'DIED-0001');
    // Another process claims the message and is killed while Notify has not yet answered.
    const root = new URL('../../', import.meta.url).pathname;
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { connect } from '${root}src/db/index.ts';
         import { notifySender, notifyService } from '${root}src/notify/index.ts';
         const { databaseUrl, config, now } = JSON.parse(process.env.SENDER);
         const database = connect(databaseUrl, 1);
         const notify = notifyService(database.db, { now: () => new Date(now) }, {}, {});
         await notify.sendDue(notifySender(config));`,
      ],
      {
        env: { ...process.env, SENDER: JSON.stringify({ databaseUrl, config, now: clock.now() }) },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await notify.arrival('DIED-0001');
    child.kill('SIGKILL');
    await exited;
    release();
    const claimed = clock.now().getTime();
    expect(await outboxRow('DIED-0001')).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await outboxRow('DIED-0001'))?.next_attempt_at.getTime()).toBe(claimed + 10 * 60_000);

    const sender = notifySender(config);
    later(9 * 60_000);
    await services.notify.sendDue(sender); // still the dead sender's
    expect(notify.received.filter((r) => r.ref === 'DIED-0001')).toHaveLength(1);
    expect(await outboxRow('DIED-0001')).toMatchObject({ in_doubt: true });
    later(60_000);
    await services.notify.sendDue(sender);
    expect(notify.received.filter((r) => r.ref === 'DIED-0001')).toHaveLength(1);
    expect(await outboxRow('DIED-0001')).toMatchObject({ status: 'sent', attempts: 1, in_doubt: false });
  }, 60_000); // the other process loads Flagstone's modules first

  it('gives a send 10 seconds at most, then tries it again later, so a claim is sent within its lease', async () => {
    const release = notify.hold('slow@example.com');
    await queue('slow@example.com', 'SLOW-0001');
    const started = performance.now();
    const result = await services.notify.sendDue(notifySender(config));
    release();
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(result.failed).toBe(1);
    const row = await outboxRow('SLOW-0001');
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'Notify did not answer within 10 s',
    });
    expect(row?.next_attempt_at.getTime()).toBe(clock.now().getTime() + 60_000);
    expect(row?.in_doubt).toBe(true);
    // Notify had accepted it after all: asked by its reference, it is marked sent, not sent again.
    later(60_000);
    expect(await services.notify.sendDue(notifySender(config))).toEqual({ sent: 1, failed: 0 });
    expect(notify.received.filter((r) => r.ref === 'SLOW-0001')).toHaveLength(1);
    expect(await outboxRow('SLOW-0001')).toMatchObject({ status: 'sent', attempts: 2, in_doubt: false });
  }, 30_000);

  it('sends a message cut off by its time limit again when Notify does not have it', async () => {
    failing.add('lost@example.com');
    const release = notify.hold('lost@example.com');
    await queue('lost@example.com', 'LOST-0001');
    await services.notify.sendDue(notifySender(config));
    release(); // answered 500 after the sender stopped waiting: Notify never took it
    await new Promise((resolve) => setTimeout(resolve, 300));
    failing.delete('lost@example.com');
    later(60_000);
    expect(await services.notify.sendDue(notifySender(config))).toEqual({ sent: 1, failed: 0 });
    expect(notify.received.filter((r) => r.ref === 'LOST-0001')).toHaveLength(2);
    expect(await outboxRow('LOST-0001')).toMatchObject({ status: 'sent', in_doubt: false });
  }, 30_000);

  it('logs a failed send with the outbox id, the template and the error, never the recipient or the text', async () => {
    refused.add('logged@example.com');
    await queue('logged@example.com', 'LOGD-0001');
    const lines: [object, string][] = [];
    const capture = { error: () => {}, warn: (o: object, m: string) => lines.push([o, m]) };
    await services.notify.sendDue(notifySender(config), 50, capture);
    const row = await outboxRow('LOGD-0001');
    const line = lines.find(([o]) => (o as { outbox: string }).outbox === row?.id);
    expect(line).toEqual([
      {
        outbox: row?.id,
        channel: 'email',
        template: 'request-updated',
        attempt: 1,
        error: 'Notify answered 400 BadRequestError',
        retryAt: null,
      },
      'A message could not be sent; given up',
    ]);
    expect(JSON.stringify(lines)).not.toContain('logged@example.com');
    expect(JSON.stringify(lines)).not.toContain('Filled');
  });

  it('texts a citizen who gave only a phone number (an Open311 request), and the channel chosen by one who gave both', async () => {
    await services.requests.issueApiKey('Texting app', 'texting-app-key');
    const posted = await postOpen311Request(app, {
      api_key: 'texting-app-key',
      'attribute[size]': 'medium',
      service_code: 'pothole',
      lat: String(demoPoints.ashbyVale[1] + 0.03),
      long: String(demoPoints.ashbyVale[0]),
      description: 'Deep pothole by the bus stop',
      phone: '07700900123',
    });
    expect(posted.statusCode).toBe(200);
    const reference = posted.json()[0].service_request_id;
    const chose = await services.requests.submit({
      service: 'pothole',
      lat: demoPoints.ashbyVale[1] + 0.05,
      lon: demoPoints.ashbyVale[0],
      email: 'both@example.com',
      phone: '07700 900 456',
      contactBy: 'sms',
      attributes: { size: 'medium' },
    });
    await services.notify.sendDue(notifySender(config));
    const texts = notify.received.filter((r) => r.ref === reference || r.ref === chose.reference);
    expect(texts.map((r) => [r.path, r.body.phone_number, r.body.template_id])).toEqual([
      ['/v2/notifications/sms', '07700900123', SMS_TEMPLATE],
      ['/v2/notifications/sms', '07700 900 456', SMS_TEMPLATE],
    ]);
    expect(await outboxRow(reference)).toMatchObject({ channel: 'sms', status: 'sent' });
    const unchosen = await services.requests.submit({
      service: 'pothole',
      lat: demoPoints.ashbyVale[1] + 0.07,
      lon: demoPoints.ashbyVale[0],
      email: 'both@example.com',
      phone: '07700 900 456',
      attributes: { size: 'medium' },
    });
    expect(await outboxRow(unchosen.reference)).toMatchObject({
      channel: 'email',
      recipient: 'both@example.com',
    });
    await expect(
      services.requests.submit({
        service: 'pothole',
        lat: demoPoints.ashbyVale[1] + 0.09,
        lon: demoPoints.ashbyVale[0],
        email: 'both@example.com',
        contactBy: 'sms',
        attributes: { size: 'medium' },
      }),
    ).rejects.toMatchObject({ fields: [{ field: 'phone', message: 'Enter a mobile number to get texts' }] });
  });

  it('gives up after 8 attempts when Notify cannot be reached, each wait longer than the one before', async () => {
    const unreachable = notifySender({ ...config, baseUrl: 'http://127.0.0.1:9' });
    await queue('unreachable@example.com', 'UNRE-0001');
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 8; attempt++) {
      await services.notify.sendDue(unreachable);
      const row = await outboxRow('UNRE-0001');
      if (row?.status === 'pending')
        waits.push((row.next_attempt_at.getTime() - clock.now().getTime()) / 60_000);
      later(2 ** attempt * 60_000);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(await outboxRow('UNRE-0001')).toMatchObject({ status: 'failed', attempts: 8 });
    expect((await outboxRow('UNRE-0001'))?.last_error).toContain('Notify did not answer');
  });
});

describe('jobs', () => {
  const staffCookie = () => {
    const account = demoAccount((c) => c.roles === 'staff at fellshire-cc');
    return signIn(app, account.email, account.password);
  };

  it('sends a status change queued before a restart once the jobs start again', async () => {
    // Queued while the jobs run without working, as if the process stopped before sending.
    await startJobs(services, { notify: config }, log, { work: false });
    const created = await services.requests.submit(
      {
        service: 'pothole',
        lat: demoPoints.ashbyVale[1],
        lon: demoPoints.ashbyVale[0],
        email: 'restart@example.com',
        attributes: { size: 'small' },
      },
      {},
    );
    const cookie = await staffCookie();
    const changed = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${created.id}/status`,
      headers: { cookie },
      payload: { status: 'in_progress', reason: 'A crew is on the way' },
    });
    expect(changed.statusCode).toBe(204);
    await services.jobs.stop();
    expect(notify.received.some((r) => r.ref === created.reference)).toBe(false);

    await startJobs(services, { notify: config }, log, { pollingIntervalSeconds: 0.5 });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && notify.received.filter((r) => r.ref === created.reference).length < 2)
      await new Promise((resolve) => setTimeout(resolve, 200));
    const sent = notify.received.filter((r) => r.ref === created.reference);
    expect(sent).toHaveLength(2); // the receipt, and the change of status
    expect(sent.map((r) => (r.body.personalisation as Record<string, string>).status)).toContain(
      'In progress',
    );
    await services.jobs.stop();
  });

  it('answers a status change while Notify hangs: sending is never on the request path', async () => {
    // Notify takes the messages to this address and does not answer until released: a status
    // change that waited for its email would never be answered.
    const release = notify.hold('hung@example.com');
    try {
      await startJobs(services, { notify: config }, log, { pollingIntervalSeconds: 0.5 });
      const created = await services.requests.submit(
        {
          service: 'pothole',
          lat: demoPoints.northmoor[1],
          lon: demoPoints.northmoor[0],
          email: 'hung@example.com',
          attributes: { size: 'small' },
        },
        {},
      );
      const changed = await app.inject({
        method: 'POST',
        url: `/api/v1/cases/${created.id}/status`,
        headers: { cookie: await staffCookie() },
        payload: { status: 'in_progress', reason: 'Booked' },
      });
      expect(changed.statusCode).toBe(204);
      const admin = await services.identity.actorByEmail(administrator().email);
      const rows = (await services.notify.outbox(admin)).rows.filter(
        (r) => r.recipient === 'hung@example.com',
      );
      expect(rows.map((r) => r.template).sort()).toEqual(['request-received', 'request-updated']);
      expect(rows.some((r) => r.status === 'sent')).toBe(false); // Notify has answered none of them
    } finally {
      release();
    }
    await services.jobs.stop();
  });
});

describe('the outbox page', () => {
  it('shows administrators the messages with recipients, and writes the look to the ledger', async () => {
    await services.jobs.stop(); // set up, but not sending from here
    const admin = administrator();
    const response = await app.inject({
      url: '/notifications',
      headers: { accept: 'text/html', cookie: await signIn(app, admin.email, admin.password) },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('refused@example.com');
    expect(response.body).toContain('Notify answered 400 BadRequestError');
    // Each message's text, its fields filled in; and plainly that nothing is being sent from here.
    expect(response.body).toContain('Your request RFSD-0001 is Resolved: Filled');
    expect(response.body).toContain('background jobs are not running here');
    expect(await services.governance.ledger.latest('notification.outbox-read')).toMatchObject({
      decision: 'allow',
      policies: ['outbox-administrators'],
    });
  });

  it('refuses staff who are not administrators, and writes the refusal to the ledger', async () => {
    const account = demoAccount((c) => c.roles === 'manager at fellshire-cc');
    const response = await app.inject({
      url: '/notifications',
      headers: { accept: 'text/html', cookie: await signIn(app, account.email, account.password) },
    });
    expect(response.statusCode).toBe(403);
    expect(response.body).not.toContain('refused@example.com');
    expect(response.body).not.toContain('href="/notifications"');
    expect(await services.governance.ledger.latest('notification.outbox-read')).toMatchObject({
      decision: 'deny',
    });
  });
});
