// Notifications against a real HTTP server on loopback that answers as GOV.UK Notify does,
// through the official client: the signed token arrives, a failed send is retried with
// back-off, a refused one is marked failed, no transaction is open while Notify answers, two
// senders never send one message twice, a message whose sender died is sent again after its
// lease, and the outbox outlives a restart of the jobs.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { jwtVerify } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrator, demoAccount, signIn, testDatabase } from '../../test/support.ts';
import { createApp } from '../app.ts';
import { type Services, servicesFor, startJobs } from '../compose.ts';
import { loadConfig } from '../config.ts';
import { connect } from '../db/index.ts';
import { demoPoints } from '../places/index.ts';
import { type NotifyConfig, notifySender } from './index.ts';

const SERVICE_ID = '5d2a0f3e-7b1c-4c8e-9f3a-2b6d8e1c4a70';
const SECRET = '9c1e4b7a-3f2d-4e8b-a6c5-1d0f7e2b9a38';
const API_KEY = `flagstone_test-${SERVICE_ID}-${SECRET}`;
const TEMPLATE = '11111111-2222-4333-8444-555555555555';

interface Received {
  path: string;
  body: Record<string, unknown>;
  issuer: string | undefined;
}

/**
 * A small server speaking Notify's API shape; `answer` decides each response by recipient, and
 * a recipient's `wait` (when there is one) holds the answer until it settles.
 */
function notifyServer(answer: (to: string) => number) {
  const received: Received[] = [];
  const waits = new Map<string, () => Promise<void>>();
  const server: Server = createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    let issuer: string | undefined;
    try {
      issuer = (await jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ['HS256'] })).payload
        .iss;
    } catch {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ status_code: 403, errors: [{ error: 'AuthError', message: 'Invalid token' }] }),
      );
      return;
    }
    received.push({ path: request.url ?? '', body, issuer });
    const to = String(body.email_address ?? body.phone_number);
    await waits.get(to)?.();
    const status = answer(to);
    const error = { 400: 'BadRequestError', 429: 'RateLimitError', 500: 'Exception' }[status as 400];
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(
        error
          ? { status_code: status, errors: [{ error, message: `Cannot send to ${body.email_address}` }] }
          : { id: crypto.randomUUID(), reference: body.reference, content: {}, uri: '', template: {} },
      ),
    );
  });
  return {
    received,
    waits,
    /** Holds the answers to a recipient until the function returned is called. */
    hold(to: string): () => void {
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      waits.set(to, () => held);
      return () => {
        waits.delete(to);
        release();
      };
    },
    /** Resolves once a message with this reference has arrived (its answer may be held). */
    async arrival(reference: string) {
      const deadline = Date.now() + 45_000;
      while (!received.some((r) => r.body.reference === reference)) {
        if (Date.now() > deadline) throw new Error(`${reference} never arrived`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

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
  config = {
    apiKey: API_KEY,
    baseUrl: base,
    templates: {
      'request-received': TEMPLATE,
      'request-updated': TEMPLATE,
      'case-overdue': TEMPLATE,
      'case-reminder': TEMPLATE,
      'referral-received': TEMPLATE,
      'referral-decided': TEMPLATE,
      'routemap-action-overdue': TEMPLATE,
      'fixed-question': TEMPLATE,
      'alert-confirm': TEMPLATE,
      'alert-reports': TEMPLATE,
    },
  };
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
    const got = notify.received.find((r) => r.body.reference === 'SEND-0001');
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
    const arrived = notify.received
      .map((r) => r.body.reference)
      .filter((r) => references.includes(r as string));
    expect(arrived.sort()).toEqual(references);
    expect(one).toBeGreaterThan(0);
    expect(other).toBeGreaterThan(0);
    for (const reference of references) expect((await outboxRow(reference))?.status).toBe('sent');
  });

  it('sends a message again after its lease of 10 minutes when its sender died while sending', async () => {
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
    expect(notify.received.filter((r) => r.body.reference === 'DIED-0001')).toHaveLength(1);
    later(60_000);
    await services.notify.sendDue(sender);
    expect(notify.received.filter((r) => r.body.reference === 'DIED-0001')).toHaveLength(2);
    expect(await outboxRow('DIED-0001')).toMatchObject({ status: 'sent', attempts: 1 });
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
  }, 30_000);

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
    expect(notify.received.some((r) => r.body.reference === created.reference)).toBe(false);

    await startJobs(services, { notify: config }, log, { pollingIntervalSeconds: 0.5 });
    const deadline = Date.now() + 20_000;
    while (
      Date.now() < deadline &&
      notify.received.filter((r) => r.body.reference === created.reference).length < 2
    )
      await new Promise((resolve) => setTimeout(resolve, 200));
    const sent = notify.received.filter((r) => r.body.reference === created.reference);
    expect(sent).toHaveLength(2); // the receipt, and the change of status
    expect(sent.map((r) => (r.body.personalisation as Record<string, string>).status)).toContain(
      'In progress',
    );
    await services.jobs.stop();
  });

  it('answers a status change at once when Notify is down: the message waits in the outbox', async () => {
    const down = { ...config, baseUrl: 'http://127.0.0.1:9' };
    await startJobs(services, { notify: down }, log, { pollingIntervalSeconds: 0.5 });
    const created = await services.requests.submit(
      {
        service: 'pothole',
        lat: demoPoints.northmoor[1],
        lon: demoPoints.northmoor[0],
        email: 'down@example.com',
        attributes: { size: 'small' },
      },
      {},
    );
    const started = performance.now();
    const changed = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${created.id}/status`,
      headers: { cookie: await staffCookie() },
      payload: { status: 'in_progress', reason: 'Booked' },
    });
    expect(changed.statusCode).toBe(204);
    expect(performance.now() - started).toBeLessThan(1000);
    await services.jobs.stop();
    const admin = await services.identity.actorByEmail(administrator().email);
    const rows = (await services.notify.outbox(admin)).rows.filter((r) => r.reference === created.reference);
    expect(rows.every((r) => r.status === 'pending')).toBe(true);
  });
});

describe('the outbox page', () => {
  it('shows administrators the messages with recipients, and writes the look to the ledger', async () => {
    const admin = administrator();
    const response = await app.inject({
      url: '/notifications',
      headers: { accept: 'text/html', cookie: await signIn(app, admin.email, admin.password) },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('refused@example.com');
    expect(response.body).toContain('Notify answered 400 BadRequestError');
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
