// The crash test: `flagstone start` (its own process, on an embedded PostgreSQL in a fresh data
// folder) takes Open311 reports from 50 connections while it is hurt three ways, each under load:
//  1. kill -9 of the Node.js process, then `flagstone start` again;
//  2. kill -9 of PostgreSQL's postmaster: Flagstone stays up and starts its PostgreSQL again itself;
//  3. every database session of Flagstone's ended (as a failover does): Flagstone stays up.
// Then it counts the reports acknowledged (201 with a reference) and those of them not stored,
// says whether the process survived 2 and 3, and runs `flagstone audit verify`.
// Run: node bench/crash.ts (BENCH_SECONDS=4 a phase by default). Not part of `npm test`.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { servicesFor } from '../src/compose.ts';
import { connect } from '../src/db/index.ts';
import { freePort } from '../test/ports.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const bin = path.resolve(import.meta.dirname, '../bin/flagstone.js');
const dataDir = await mkdtemp(path.join(tmpdir(), 'flagstone-crash-'));
const port = await freePort();
const dbPort = await freePort();
const base = `http://127.0.0.1:${port}`;
const env = {
  ...process.env,
  DATABASE_URL: '',
  FLAGSTONE_DATA: dataDir,
  PORT: String(port),
  HOST: '127.0.0.1',
  FLAGSTONE_DB_PORT: String(dbPort),
  LOG_LEVEL: 'warn',
  LOG_FORMAT: 'json',
};

function flagstone(args: string[]): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  let output = '';
  const child = spawn(process.execPath, [bin, ...args], { env });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

async function ready(ms = 120_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const status = await fetch(`${base}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('Flagstone did not become ready');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const databaseUrl = async () =>
  `postgres://flagstone:${encodeURIComponent((await readFile(path.join(dataDir, 'db-password'), 'utf8')).trim())}@localhost:${dbPort}/flagstone`;

/** 50 connections sending reports until stopped; every acknowledged reference is kept. */
function reports(key: string) {
  const acknowledged = new Set<string>();
  const counts = { sent: 0, acknowledged: 0, refused: 0, failed: 0 };
  let running = true;
  let n = 0;
  const loops = Array.from({ length: 50 }, async () => {
    while (running) {
      const i = n++;
      counts.sent++;
      const body = new URLSearchParams({
        api_key: key,
        service_code: 'pothole',
        lat: String(52.36 + (i % 200) * 0.0006),
        long: String(-2.4 + Math.floor(i / 200) * 0.0008),
        'attribute[size]': 'small',
        description: `crash ${i}`,
      });
      try {
        const response = await fetch(`${base}/open311/v2/requests.json`, { method: 'POST', body });
        const answer = (await response.json()) as { service_request_id?: string }[];
        if (response.ok && answer[0]?.service_request_id) {
          acknowledged.add(answer[0].service_request_id);
          counts.acknowledged++;
        } else {
          counts.refused++;
          if (process.env.BENCH_DEBUG) console.error(response.status, JSON.stringify(answer));
        }
      } catch {
        counts.failed++; // the connection went with the process: nothing acknowledged
        await sleep(50);
      }
    }
  });
  return {
    acknowledged,
    counts,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function lost(acknowledged: Set<string>): Promise<number> {
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM cases WHERE reference = ANY($1)', [
      [...acknowledged],
    ]);
    return acknowledged.size - rows[0].n;
  } finally {
    await client.end();
  }
}

const results: {
  phase: string;
  sent: number;
  acknowledged: number;
  refused: number;
  lost: number;
  survived: string;
}[] = [];
let server = flagstone(['start']);
try {
  await ready();
  const key = 'crash-test-key';
  const database = connect(await databaseUrl(), 1);
  await (await servicesFor(database)).requests.issueApiKey('Crash test', key);
  await database.close();

  // 1. kill -9 of Node.js under load, then start again.
  let load = reports(key);
  await sleep(seconds * 1000);
  server.child.kill('SIGKILL');
  await server.exit;
  await sleep(500);
  server = flagstone(['start']);
  await ready();
  await sleep(1000);
  await load.stop();
  results.push({
    phase: 'kill -9 Node.js',
    ...load.counts,
    lost: await lost(load.acknowledged),
    survived: 'restarted',
  });

  // 2. kill -9 of the postmaster under load: Flagstone stays up and starts PostgreSQL again.
  load = reports(key);
  await sleep(seconds * 1000);
  const postmaster = Number(
    (await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0],
  );
  process.kill(postmaster, 'SIGKILL');
  await sleep(1000);
  await ready();
  await sleep(1000);
  await load.stop();
  results.push({
    phase: 'kill -9 postmaster',
    ...load.counts,
    lost: await lost(load.acknowledged),
    survived: server.child.exitCode === null ? 'yes' : `no (exit ${server.child.exitCode})`,
  });

  // 3. every session of Flagstone's ended under load.
  load = reports(key);
  await sleep(seconds * 1000);
  const ender = new pg.Client({ connectionString: await databaseUrl() });
  await ender.connect();
  await ender.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = 'flagstone' AND pid <> pg_backend_pid()`,
  );
  await ender.end();
  await sleep(seconds * 1000);
  await load.stop();
  results.push({
    phase: 'sessions ended',
    ...load.counts,
    lost: await lost(load.acknowledged),
    survived: server.child.exitCode === null ? 'yes' : `no (exit ${server.child.exitCode})`,
  });

  server.child.kill('SIGTERM');
  await server.exit;
  const verify = flagstone(['audit', 'verify']);
  const verified = (await verify.exit) === 0;
  console.log('\nCrash test: Open311 creates from 50 connections, each phase under load');
  console.table(results);
  console.log(
    `Acknowledged ${results.reduce((n, r) => n + r.acknowledged, 0)} reports, lost ${results.reduce((n, r) => n + r.lost, 0)}; audit verify: ${verified ? 'intact' : `FAILED\n${verify.output()}`}`,
  );
  if (!verified || results.some((r) => r.lost > 0 || r.survived.startsWith('no'))) process.exitCode = 1;
} finally {
  if (server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exit;
  }
  await rm(dataDir, { recursive: true, force: true });
}
