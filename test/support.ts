// What integration and end-to-end tests share: a database of their own, copied from the
// migrated demo template, and the app built on it exactly as `flagstone start` builds it.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { createApp, type Services, servicesFor } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { connect } from '../src/db/index.ts';
import type { DemoCredential } from '../src/demo.ts';

export interface TestContext {
  app: FastifyInstance;
  services: Services;
  databaseUrl: string;
  close(): Promise<void>;
}

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: `${inject('serverUrl')}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function testDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name} TEMPLATE flagstone_template`);
  return { url: `${inject('serverUrl')}/${name}`, drop: () => admin(`DROP DATABASE ${name} WITH (FORCE)`) };
}

export async function testApp(
  env: Record<string, string> = {},
  logStream?: NodeJS.WritableStream,
): Promise<TestContext> {
  const { url, drop } = await testDatabase();
  const database = connect(url, 4);
  const services = await servicesFor(database);
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent', ...env }), services, { logStream });
  return {
    app,
    services,
    databaseUrl: url,
    async close() {
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
export const administrator = () => demoAccount((c) => c.roles.includes('admin'));

/** Signs in through the real form (CSRF token and all) and returns the cookies to send. */
export async function signIn(app: FastifyInstance, email: string, password: string): Promise<string> {
  const form = await app.inject({ method: 'GET', url: '/sign-in', headers: { accept: 'text/html' } });
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const jar = cookieHeader(form.cookies);
  const response = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { accept: 'text/html', cookie: jar, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email, password, _csrf: token }).toString(),
  });
  if (response.statusCode !== 303) throw new Error(`sign-in failed with ${response.statusCode}`);
  return `${jar}; ${cookieHeader(response.cookies)}`;
}

export function cookieHeader(cookies: { name: string; value: string }[]): string {
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}
