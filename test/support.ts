// What integration and end-to-end tests share: a database of their own, copied from the
// migrated demo template, and the app built on it exactly as `flagstone start` builds it.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { createApp } from '../src/app.ts';
import { type Services, servicesFor } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { connect } from '../src/db/index.ts';
import type { DemoCredential } from '../src/demo.ts';
import { TOTP_PERIOD_SECONDS, totpCode } from '../src/identity/index.ts';
import type { Clock } from '../src/platform/index.ts';

export interface TestContext {
  app: FastifyInstance;
  services: Services;
  /** The test's database as the app role, which the app connects as. */
  databaseUrl: string;
  /** The same database as its owner: for what the app role may not do (migrations, the ledger's triggers). */
  ownerUrl: string;
  /** The app's time: a code a test makes by hand for an authenticator app is made at it. */
  clock: TestClock;
  close(): Promise<void>;
}

/**
 * The clock of a test app: the real time, moved on by the helpers where a person would wait
 * (for the next code of an authenticator app), so that the test does not sleep instead.
 */
export interface TestClock extends Clock {
  /** Moves this app's time on, as if that many milliseconds had passed. */
  wait(ms: number): void;
}

export function testClock(): TestClock {
  let ahead = 0;
  return {
    now: () => new Date(Date.now() + ahead),
    wait(ms) {
      ahead += Math.max(0, ms);
    },
  };
}

/** The clock of each test app made by testApp, for the helpers that wait on the app's time. */
const clocks = new WeakMap<FastifyInstance, TestClock>();

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: `${inject('serverUrl')}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A database of the test's own: a copy of the demo template, or `empty` (not even migrated: migrate
 * it as its owner, with `ownerUrl`). `url` connects as the app role, as `flagstone start` does.
 */
export async function testDatabase({ empty = false } = {}): Promise<{
  url: string;
  ownerUrl: string;
  drop(): Promise<void>;
}> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}${empty ? '' : ' TEMPLATE flagstone_template'}`);
  return {
    url: `${inject('appServerUrl')}/${name}`,
    ownerUrl: `${inject('serverUrl')}/${name}`,
    drop: () => admin(`DROP DATABASE ${name} WITH (FORCE)`),
  };
}

export async function testApp(
  env: Record<string, string> = {},
  logStream?: NodeJS.WritableStream,
): Promise<TestContext> {
  const { url, ownerUrl, drop } = await testDatabase();
  const database = connect(url, 4);
  const clock = testClock();
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  // The ledger is known to its witnesses by FLAGSTONE_URL, as in `flagstone start`.
  const services = await servicesFor(database, { clock, publicUrl: config.publicUrl });
  const app = await createApp(config, services, { logStream });
  running.add(app);
  clocks.set(app, clock);
  return {
    app,
    services,
    databaseUrl: url,
    ownerUrl,
    clock,
    async close() {
      running.delete(app);
      await app.close();
      await database.close();
      await drop();
    },
  };
}

export function demoAccount(match: (c: DemoCredential) => boolean): DemoCredential {
  const found = inject('demoCredentials').find(match);
  if (!found) throw new Error('No demo account matches');
  return found;
}

export const citizen = () => demoAccount((c) => c.kind === 'citizen');

/** The id of the citizen account with this email address. */
export async function citizenId(t: Pick<TestContext, 'services'>, email: string): Promise<string> {
  const id = (await t.services.identity.citizensByEmail([email])).get(email);
  if (!id) throw new Error(`No citizen has the email address ${email}`);
  return id;
}
export const administrator = () => demoAccount((c) => c.roles.includes('admin'));

/** The test apps of this file, so that the address a browser visits leads to its app. */
const running = new Set<FastifyInstance>();

/** The app listening at a base address such as `http://127.0.0.1:41234`. */
export function appAt(base: string): FastifyInstance {
  const port = Number(new URL(base).port);
  for (const app of running) {
    const address = app.server.listening ? app.server.address() : null;
    if (typeof address === 'object' && address?.port === port) return app;
  }
  throw new Error(`No test app is listening at ${base}`);
}

/**
 * The authenticator app of each staff account the helpers signed in, per test app (each has a
 * database of its own): its secret and the last 30-second step used, as a code is never
 * accepted twice.
 */
const authenticators = new WeakMap<FastifyInstance, Map<string, { secret: string; lastStep: number }>>();

/** Remembers the secret of an authenticator app set up for an account (by a helper or a test). */
export function rememberAuthenticator(app: FastifyInstance, email: string, secret: string, lastStep = 0) {
  const apps = authenticators.get(app) ?? new Map();
  authenticators.set(app, apps);
  apps.set(email.toLowerCase(), { secret, lastStep });
}

/**
 * A code from the account's authenticator app that has not been used yet. When every code the
 * app accepts now has been used, the next is a step away: a test app's clock is moved on to it
 * (as if the test had waited), any other app is waited for.
 */
export async function nextTotpCode(app: FastifyInstance, email: string): Promise<string> {
  const known = authenticators.get(app)?.get(email.toLowerCase());
  if (!known) throw new Error(`No authenticator app was set up for ${email} by the test helpers`);
  const clock = clocks.get(app);
  const period = TOTP_PERIOD_SECONDS * 1000;
  const at = clock ? clock.now().getTime() : Date.now();
  const now = Math.floor(at / period);
  // The code of the step before is accepted only until this step ends: take it only with 15 s
  // to spare, as a loaded machine can take seconds to fill in and send the form.
  const earliest = at % period < 15_000 ? now - 1 : now;
  const step = Math.max(earliest, known.lastStep + 1);
  if (step > now + 1) {
    // From the start of the step before, the code is accepted for two steps.
    const wait = (step - 1) * period - at + 200;
    if (clock) clock.wait(wait);
    else await new Promise((resolve) => setTimeout(resolve, wait));
  }
  known.lastStep = step;
  return totpCode(known.secret, new Date(step * period + 1_000));
}

/** The secret shown on the page that sets up an authenticator app, if this is that page. */
export const secretOnPage = (html: string) => /class="flagstone-secret">([A-Z2-7]+)</.exec(html)?.[1];

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function getPage(app: FastifyInstance, url: string, cookie: string) {
  return app.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie } });
}

/** Posts a request to Open311 in JSON, as a third-party client does. */
export function postOpen311Request(app: FastifyInstance, fields: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}

async function postForm(app: FastifyInstance, url: string, cookie: string, form: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url,
    headers: { accept: 'text/html', cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  });
}

/**
 * Signs in through the real form (CSRF token and all) and returns the cookies to send. Staff
 * also enter a code from their authenticator app, setting one up through the account pages the
 * first time, as a person does.
 */
export async function signIn(app: FastifyInstance, email: string, password: string): Promise<string> {
  const form = await getPage(app, '/sign-in', '');
  const token = csrfOf(form.body);
  const jar = cookieHeader(form.cookies);
  const response = await postForm(app, '/sign-in', jar, { email, password, _csrf: token });
  if (response.statusCode === 200 && response.body.includes('name="code"')) {
    const pending = `${jar}; ${cookieHeader(response.cookies)}`;
    const code = await nextTotpCode(app, email);
    const done = await postForm(app, '/sign-in/code', pending, { code, _csrf: token });
    if (done.statusCode !== 303) throw new Error(`entering the code failed with ${done.statusCode}`);
    return `${jar}; ${cookieHeader(done.cookies)}`;
  }
  if (response.statusCode !== 303) throw new Error(`sign-in failed with ${response.statusCode}`);
  const cookies = `${jar}; ${cookieHeader(response.cookies)}`;
  const home = await getPage(app, '/home', cookies);
  if (!String(home.headers.location ?? '').startsWith('/account/step-up')) return cookies;
  // Staff must set up a second factor first.
  const setUp = await getPage(app, '/account/second-factor', cookies);
  const secret = secretOnPage(setUp.body);
  if (!secret) throw new Error('no authenticator app secret on the set-up page');
  rememberAuthenticator(app, email, secret);
  const done = await postForm(app, '/account/second-factor', `${cookies}; ${cookieHeader(setUp.cookies)}`, {
    code: await nextTotpCode(app, email),
    _csrf: csrfOf(setUp.body),
  });
  if (done.statusCode !== 303) throw new Error(`setting up the second factor failed with ${done.statusCode}`);
  return cookies;
}

export function cookieHeader(cookies: { name: string; value: string }[]): string {
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/**
 * Runs statements as the database's owner (a superuser; the app role may do none of this) with
 * the ledger's append-only triggers off, then puts them back: an insider rewriting the ledger.
 */
export async function tamperAsOwner(
  t: Pick<TestContext, 'ownerUrl'>,
  statements: (client: pg.Client) => Promise<unknown>,
): Promise<void> {
  const client = new pg.Client({ connectionString: t.ownerUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE audit_ledger DISABLE TRIGGER USER');
    await statements(client);
    await client.query('ALTER TABLE audit_ledger ENABLE TRIGGER USER');
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
