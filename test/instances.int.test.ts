// Two Flagstone processes on one PostgreSQL behind a load balancer (HAProxy, round robin): sign-ins,
// sessions, throttles, an OpenID Connect sign-in, Open311 creates and the jobs that send
// notifications work across both, with no message sent twice and an unbroken audit ledger.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Services, servicesFor } from '../src/compose.ts';
import { connect, type Database } from '../src/db/index.ts';
import { notifyTemplates, smsTemplates } from '../src/notify/templates.ts';
import { demoPoints } from '../src/places/demo-place.ts';
import { TestBrowser } from './identity/http-browser.ts';
import { freePort } from './ports.ts';
import { citizen, demoAccount, testDatabase } from './support.ts';

const main = path.resolve(import.meta.dirname, '../bin/flagstone.js');
const HAPROXY = process.env.HAPROXY_BIN || '/usr/sbin/haproxy'; // apt-get install haproxy
const KEY = 'instances-test-key';
const TEMPLATE = '6d3a1a8e-1c52-4d3f-9d1a-1f0e6f9d2c11';
const NOTIFY_KEY = `test-${'4f3c1c9e-7b1f-4a8e-9d2b-0c5e8f6a1b2c'}-${'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'}`;

let folder: string;
let drop: () => Promise<void>;
let database: Database;
let services: Services;
let lb: string;
const children: ChildProcess[] = [];
const sent: { to: string; reference: string }[] = [];
let notify: Server;

/** Starts a process, resolving once its output says `ready`; its output is kept for a failure's message. */
function launch(command: string, args: string[], env: Record<string, string>, ready: string | null) {
  const child = spawn(command, args, { env: { ...process.env, ...env } });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (c) => {
    output += c;
  });
  child.stderr?.on('data', (c) => {
    output += c;
  });
  return new Promise<void>((resolve, reject) => {
    if (ready === null) return resolve();
    const deadline = Date.now() + 120_000;
    const look = setInterval(() => {
      if (output.includes(ready)) {
        clearInterval(look);
        resolve();
      } else if (Date.now() > deadline || child.exitCode !== null) {
        clearInterval(look);
        reject(new Error(`${command} never said "${ready}":\n${output}`));
      }
    }, 100);
  });
}

beforeAll(async () => {
  if (!existsSync(HAPROXY))
    throw new Error(`This test needs HAProxy at ${HAPROXY}: apt-get install haproxy (or set HAPROXY_BIN)`);
  folder = await mkdtemp(path.join(tmpdir(), 'flagstone-instances-'));
  const created = await testDatabase();
  drop = created.drop;
  database = connect(created.url, 2);
  services = await servicesFor(database);
  await services.requests.issueApiKey('Instances', KEY);
  // A stand-in for GOV.UK Notify that counts what it is sent.
  notify = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    sent.push({ to: String(body.email_address ?? body.phone_number), reference: String(body.reference) });
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id: crypto.randomUUID(),
        reference: body.reference,
        content: {},
        uri: '',
        template: {},
      }),
    );
  });
  await new Promise<void>((resolve) => notify.listen(0, '127.0.0.1', resolve));
  const [a, b, front] = [await freePort(), await freePort(), await freePort()];
  lb = `http://127.0.0.1:${front}`;
  const env = (port: number, name: string) => ({
    DATABASE_URL: created.url,
    DATABASE_OWNER_URL: created.ownerUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    FLAGSTONE_URL: lb,
    FLAGSTONE_DATA: path.join(folder, name),
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    FLAGSTONE_NOTIFY_API_KEY: NOTIFY_KEY,
    FLAGSTONE_NOTIFY_BASE_URL: `http://127.0.0.1:${(notify.address() as AddressInfo).port}`,
    ...Object.fromEntries(
      [...notifyTemplates, ...smsTemplates.map((t) => `${t}-sms`)].map((t) => [
        `FLAGSTONE_NOTIFY_TEMPLATE_${t.toUpperCase().replaceAll('-', '_')}`,
        TEMPLATE,
      ]),
    ),
  });
  // One after the other: the first brings the database up to date.
  await launch(process.execPath, [main, 'start', '--no-demo'], env(a, 'a'), 'Flagstone is running at');
  await launch(process.execPath, [main, 'start', '--no-demo'], env(b, 'b'), 'Flagstone is running at');
  const config = path.join(folder, 'haproxy.cfg');
  await writeFile(
    config,
    [
      'defaults',
      '  mode http',
      '  timeout connect 5s',
      '  timeout client 60s',
      '  timeout server 60s',
      'frontend web',
      `  bind 127.0.0.1:${front}`,
      '  default_backend flagstone',
      'backend flagstone',
      '  balance roundrobin',
      '  http-response set-header x-served-by %s',
      `  server a 127.0.0.1:${a}`,
      `  server b 127.0.0.1:${b}`,
      '',
    ].join('\n'),
  );
  await launch(HAPROXY, ['-f', config, '-db'], {}, null);
  const deadline = Date.now() + 20_000;
  while ((await fetch(`${lb}/readyz`).catch(() => null))?.status !== 200) {
    if (Date.now() > deadline) throw new Error('HAProxy never answered');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 300_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode !== null ? null : new Promise((resolve) => c.on('exit', resolve)))),
  );
  notify?.close();
  await database?.close();
  await drop?.();
  await rm(folder, { recursive: true, force: true });
}, 60_000);

describe('two instances behind a load balancer', () => {
  it('keep a citizen signed in whichever answers, and share the throttle on wrong passwords', async () => {
    const browser = new TestBrowser();
    const form = await browser.request(`${lb}/sign-in`);
    const signedIn = await browser.submit(form, lb, { email: citizen().email, password: citizen().password });
    expect(signedIn.status).toBe(200);
    const servedBy = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const answer = await fetch(`${lb}/api/v1/me`, {
        headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      expect(answer.status).toBe(200);
      servedBy.add(String(answer.headers.get('x-served-by')));
    }
    expect(servedBy).toEqual(new Set(['a', 'b']));

    // Five wrong passwords, taken by both instances in turn: the sixth try is refused by either.
    const guesser = new TestBrowser();
    for (let i = 0; i < 5; i++) {
      const page = await guesser.request(`${lb}/sign-in`);
      const wrong = await guesser.submit(page, lb, { email: citizen().email, password: `wrong-${i}` });
      expect(wrong.status).toBe(401);
    }
    const page = await guesser.request(`${lb}/sign-in`);
    const refused = await guesser.submit(page, lb, { email: citizen().email, password: citizen().password });
    expect(refused.body).toContain('too many times');
  }, 120_000);

  it('sign a person in to a relying party with OpenID Connect, each step answered by either', async () => {
    const { clientId, clientSecret } = await services.identity.clients.add({
      name: 'Two instances',
      redirectUris: ['http://127.0.0.1:9/callback'],
      scopes: ['openid', 'profile', 'email'],
    });
    const config = await oidc.discovery(
      new URL(lb),
      clientId,
      { redirect_uris: ['http://127.0.0.1:9/callback'], response_types: ['code'] },
      oidc.ClientSecretBasic(clientSecret as string),
      { execute: [oidc.allowInsecureRequests] },
    );
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: 'http://127.0.0.1:9/callback',
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const account = demoCitizen();
    const browser = new TestBrowser();
    const signInPage = await browser.follow(url.href, lb);
    const consent = await browser.submit(signInPage, lb, {
      email: account.email,
      password: account.password,
    });
    expect(consent.body).toContain('to use your account');
    const back = await browser.submit(consent, lb, { decision: 'allow' });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location ?? ''), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()?.sub).toEqual(expect.any(String));
    const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()?.sub as string);
    expect(info.sub).toBe(tokens.claims()?.sub);
  }, 120_000);

  it('take Open311 reports on both at once, send each acknowledgement once, and keep one unbroken ledger', async () => {
    const [lon, lat] = demoPoints.northmoor;
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        fetch(`${lb}/open311/v2/requests.json`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            api_key: KEY,
            service_code: 'pothole',
            lat: String(lat + (i % 30) * 0.0002),
            long: String(lon + Math.floor(i / 30) * 0.0003),
            'attribute[size]': 'small',
            description: `Two instances ${i}`,
            email: `instances-${i}@example.com`,
          }),
        }),
      ),
    );
    const servedBy = new Set<string>();
    for (const answer of answers) {
      expect([200, 201]).toContain(answer.status); // 200 when joined to a report nearby
      servedBy.add(String(answer.headers.get('x-served-by')));
    }
    expect(servedBy).toEqual(new Set(['a', 'b']));
    const wanted = await database.pool.query(
      `SELECT recipient FROM notification_outbox WHERE recipient LIKE 'instances-%@example.com'`,
    );
    expect(wanted.rows.length).toBeGreaterThan(0);
    // Both instances run the jobs that send the outbox; each message reaches Notify once.
    const deadline = Date.now() + 90_000;
    const mine = () => sent.filter((s) => s.to.startsWith('instances-'));
    while (mine().length < wanted.rows.length && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // time for a second send, were there one
    expect(
      mine()
        .map((s) => s.to)
        .sort(),
    ).toEqual(wanted.rows.map((r) => r.recipient).sort());
    expect((await services.governance.ledger.verify()).ok).toBe(true);
  }, 180_000);
});

/** Another citizen than the one the throttle test locks out. */
const demoCitizen = () => demoAccount((c) => c.kind === 'citizen' && c.email !== citizen().email);
