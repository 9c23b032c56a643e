// Flagstone against an external PostgreSQL 15 (Debian's), the oldest version it supports:
// `flagstone migrate` and `flagstone demo` through DATABASE_URL, then `start` is ready; the two
// roles set up with the SQL the README gives, the app role unable to change the audit ledger.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './ports.ts';

const exec = promisify(execFile);
const bin = process.env.POSTGRES15_BIN || '/usr/lib/postgresql/15/bin';
const main = path.resolve(import.meta.dirname, '../src/main.ts');
let folder: string;
let url: string;
let ownerUrl: string;
let port: number;

/** Runs a PostgreSQL tool as the postgres user when we are root (PostgreSQL refuses root). */
const asPostgres = (tool: string, args: string[]) =>
  userInfo().uid === 0
    ? exec('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args])
    : exec(path.join(bin, tool), args);

beforeAll(async () => {
  if (!existsSync(path.join(bin, 'postgres'))) {
    throw new Error(
      `This test needs PostgreSQL 15 at ${bin}: apt-get install postgresql-15 (or set POSTGRES15_BIN)`,
    );
  }
  folder = await mkdtemp(path.join(tmpdir(), 'flagstone-pg15-'));
  await chmod(folder, 0o777);
  port = await freePort();
  const data = path.join(folder, 'data');
  await asPostgres('initdb', [
    '-D',
    data,
    '-U',
    'flagstone',
    '--auth=trust',
    '--encoding=UTF8',
    '--no-instructions',
    // The server is thrown away after the test: it need not wait for the disk.
    '--no-sync',
  ]);
  await asPostgres('pg_ctl', [
    'start',
    '-w',
    '-D',
    data,
    '-l',
    path.join(folder, 'log'),
    '-o',
    `-p ${port} -k ${folder} -c listen_addresses=localhost -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
  ]);
  // The README's SQL for the two roles, run by the server's superuser (passwords: trust here).
  await psql('postgres', [
    "CREATE ROLE flagstone_owner LOGIN PASSWORD 'owner-secret'",
    "CREATE ROLE flagstone_app LOGIN PASSWORD 'app-secret'",
    'GRANT flagstone_app TO flagstone_owner',
    'CREATE DATABASE flagstone OWNER flagstone_owner',
  ]);
  url = `postgres://flagstone_app@localhost:${port}/flagstone`;
  ownerUrl = `postgres://flagstone_owner@localhost:${port}/flagstone`;
}, 120_000);

afterAll(async () => {
  if (folder) {
    await asPostgres('pg_ctl', ['stop', '-w', '-m', 'fast', '-D', path.join(folder, 'data')]).catch(() => {});
    await rm(folder, { recursive: true, force: true });
  }
});

/** Runs statements one by one with psql as `user` (the superuser unless named). */
async function psql(database: string, statements: string[], user = 'flagstone') {
  const args = ['-h', 'localhost', '-p', String(port), '-U', user, '-d', database, '-v', 'ON_ERROR_STOP=1'];
  return exec(path.join(bin, 'psql'), [...args, ...statements.flatMap((s) => ['-c', s])]);
}

function flagstone(args: string[], env: Record<string, string>) {
  let output = '';
  const child = spawn(process.execPath, [main, ...args], {
    env: { ...process.env, DATABASE_URL: url, DATABASE_OWNER_URL: ownerUrl, LOG_LEVEL: 'info', ...env },
  });
  child.stdout.on('data', (c) => {
    output += c;
  });
  child.stderr.on('data', (c) => {
    output += c;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, exit, output: () => output };
}

describe('an external PostgreSQL 15', () => {
  it('takes the migrations and the demo place, and serves them', async () => {
    const server = (await exec(path.join(bin, 'postgres'), ['--version'])).stdout;
    expect(server).toMatch(/PostgreSQL\) 15\./);
    const migrate = flagstone(['migrate'], {});
    expect(await migrate.exit).toBe(0);
    expect(migrate.output()).toMatch(/Applied 0001_places\.sql/);
    const again = flagstone(['migrate'], {});
    expect(await again.exit).toBe(0);
    expect(again.output()).toContain('The database is up to date');
    const demo = flagstone(['demo'], {});
    expect(await demo.exit).toBe(0);
    expect(demo.output()).toContain('shown once only');

    const web = await freePort();
    const start = flagstone(['start'], { PORT: String(web), HOST: '127.0.0.1' });
    const deadline = Date.now() + 60_000;
    while (!start.output().includes('Flagstone is running at')) {
      if (Date.now() > deadline || start.child.exitCode !== null) throw new Error(start.output());
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await fetch(`http://127.0.0.1:${web}/readyz`)).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${web}/api/v1/organisations`)).json()).toHaveLength(8);
    start.child.kill('SIGTERM');
    expect(await start.exit).toBe(0);
    // Two roles: no warning that the app's role can change the ledger, and indeed it cannot.
    expect(start.output()).not.toContain("the app's database role can");
    for (const statement of ['DELETE FROM audit_ledger', 'ALTER TABLE audit_ledger DISABLE TRIGGER USER'])
      await expect(psql('flagstone', [statement], 'flagstone_app')).rejects.toThrow(
        /permission denied|must be owner/,
      );
    const entries = await psql('flagstone', ['SELECT count(*) > 0 FROM audit_ledger'], 'flagstone_app');
    expect(entries.stdout).toMatch(/\bt\b/);
  }, 180_000);
});
