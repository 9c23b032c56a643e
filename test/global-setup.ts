// One embedded PostgreSQL for the whole run. A template database is migrated and loaded
// with the demo place once; each test file then gets its own copy (see test/support.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import type { TestProject } from 'vitest/node';
import { servicesFor } from '../src/compose.ts';
import { APP_ROLE, connect, migrate, startEmbedded } from '../src/db/index.ts';
import { type DemoCredential, loadDemo } from '../src/demo.ts';
import { freePort } from './ports.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test server as the owner of its databases (the cluster's superuser). */
    serverUrl: string;
    /** The test server as the app role, which the app connects as (decision 0022). */
    appServerUrl: string;
    demoCredentials: DemoCredential[];
  }
}

export const TEMPLATE = 'flagstone_template';

/**
 * The test server's data is thrown away after the run, so it need not survive a crash: no
 * waiting for the disk at each commit, each copy of the template and each checkpoint. (This is
 * the test server's own folder; `flagstone start` keeps PostgreSQL's safe defaults.)
 */
async function forgoDurability(pool: Pool) {
  for (const setting of ['fsync', 'synchronous_commit', 'full_page_writes'])
    await pool.query(`ALTER SYSTEM SET ${setting} = off`);
  await pool.query('SELECT pg_reload_conf()');
}

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'flagstone-test-'));
  const server = await startEmbedded({ dataDir, port: await freePort(), database: TEMPLATE });
  const owner = connect(server.url, 1);
  await forgoDurability(owner.pool);
  await migrate(owner.pool, { appRole: APP_ROLE });
  await owner.close();
  // The demo is loaded as the app role, as `flagstone start` loads it.
  const database = connect(server.appUrl, 2);
  const credentials = await loadDemo(await servicesFor(database));
  await database.close();
  const base = (url: string) => url.slice(0, url.lastIndexOf('/'));
  project.provide('serverUrl', base(server.url));
  project.provide('appServerUrl', base(server.appUrl));
  project.provide('demoCredentials', credentials);
  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
