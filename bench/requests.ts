// Front-door benchmarks, measured side by side in one run:
//  1. routing alone: points per second against the demo boundaries (pure, one core);
//  2. creating a request through POST /open311/v2/requests.json (route, store, audit, queue a
//     notification and nudge the job that sends it, with the background jobs running) against a
//     bare single-row INSERT into the same PostgreSQL, both over HTTP with 50 concurrent
//     connections. Each request reports a pothole at a different point of the place (a report
//     within 50 m of an open one is joined to it, as a repeat would be), and the bare INSERT
//     stores the same bodies.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.ts';
import { servicesFor, startJobs } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { connect, migrate, startEmbedded } from '../src/db/index.ts';
import { loadDemo } from '../src/demo.ts';
import { demoPlace, routingTable } from '../src/places/index.ts';
import { cpuMeter, type Measured } from './cpu.ts';
import { load } from './load.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const roundCount = Number(process.env.BENCH_ROUNDS ?? 3);

// 1. Routing alone.
const table = routingTable(
  demoPlace.areas.map((a) => ({ ref: a.ref, name: a.name, geometry: a.boundary, coverage: a.coverage })),
  [],
  new Map(demoPlace.organisations.map((o) => [o.ref, o.name])),
);
const services = demoPlace.services;
const count = Number(process.env.BENCH_POINTS ?? 500_000);
const points = new Float64Array(count * 2);
let seed = 42;
// A 32-bit linear congruential generator, in integer arithmetic (Math.imul) so that it does not
// lose bits to floating point and fall into a short cycle.
const random = () => {
  seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
  return seed / 2 ** 32;
};
for (let i = 0; i < count; i++) {
  points[2 * i] = -2.6 + random() * 1.2;
  points[2 * i + 1] = 52.05 + random() * 0.55;
}
for (let i = 0; i < 20_000; i++)
  table.route(services[i % services.length] as never, points[2 * i] as number, points[2 * i + 1] as number);
const r0 = performance.now();
let routed = 0;
for (let i = 0; i < count; i++) {
  if (
    table.route(services[i % services.length] as never, points[2 * i] as number, points[2 * i + 1] as number)
      .ok
  )
    routed++;
}
const routeSeconds = (performance.now() - r0) / 1000;
const perSecond = Math.round(count / routeSeconds);
console.log(
  `\nRouting alone: ${count} random points over the demo place (${routed} inside) in ${routeSeconds.toFixed(2)} s`,
);
console.log(
  `points per second: ${perSecond} (target at least 50000) ${perSecond >= 50_000 ? 'MET' : 'NOT MET'}`,
);

// 2. Creating requests over HTTP against a bare INSERT.
const dataDir = await mkdtemp(path.join(tmpdir(), 'flagstone-bench-requests-'));
let server: Awaited<ReturnType<typeof startEmbedded>> | undefined;
try {
  server = await startEmbedded({ dataDir, port: Number(process.env.BENCH_DB_PORT ?? 54393) });
  const { withCpu } = cpuMeter(dataDir);
  const database = connect(server.url, 20);
  await migrate(database.pool);
  const built = await servicesFor(database);
  await loadDemo(built);
  const key = 'bench-open311-key';
  await built.requests.issueApiKey('Benchmark', key);
  await database.pool.query(
    'CREATE TABLE bench_inserts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), body text NOT NULL)',
  );
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent' }), built);
  // As `flagstone start` runs: each create also adds the job that sends its email.
  await startJobs(built, { notify: null }, { error: () => {} });
  app.post('/api/bench/bare-insert', async (request) => {
    await database.pool.query('INSERT INTO bench_inserts (body) VALUES ($1)', [JSON.stringify(request.body)]);
    return [{ ok: true }];
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  // The random points of the routing benchmark that are inside the place.
  const pothole = services.find((s) => s.code === 'pothole') as never;
  const bodies: string[] = [];
  for (let i = 0; i < count && bodies.length < 100_000; i++) {
    const lon = points[2 * i] as number;
    const lat = points[2 * i + 1] as number;
    if (!table.route(pothole, lon, lat).ok) continue;
    bodies.push(
      new URLSearchParams({
        api_key: key,
        service_code: 'pothole',
        lat: lat.toFixed(6),
        long: lon.toFixed(6),
        'attribute[size]': 'large',
        description: 'A deep pothole by the bus stop',
        email: 'bench@example.com',
      }).toString(),
    );
  }
  const bodiesFile = path.join(dataDir, 'bodies.json');
  await writeFile(bodiesFile, JSON.stringify(bodies));
  // Each run of creates goes on from the body after the last one sent, so that none repeats.
  let from = 0;
  const post = (kind: 'bare' | 'open311') => ({
    bodiesFile,
    from: kind === 'open311' ? from : 0,
    contentType: 'application/x-www-form-urlencoded',
  });
  const creates = async (duration: number) => {
    const result = await load(`${base}/open311/v2/requests.json`, duration, { post: post('open311') });
    from += result.total + 100; // autocannon counts only the answered requests
    return result;
  };
  const inserts = (duration: number) =>
    load(`${base}/api/bench/bare-insert`, duration, { post: post('bare') });
  await inserts(5);
  await creates(5);
  // A fresh cluster makes (and zero-fills) a new WAL file every 16 MB, stalling every commit
  // meanwhile; one that has been running recycles them. A checkpoint after the warm-up lets the
  // rounds run on recycled files, as a server does in steady state. So that the statements the
  // front door prepares are planned for a table of cases, not the empty one the warm-up began
  // with, the warm-up's cases are analysed (autovacuum would, a minute or so later): ANALYZE
  // makes PostgreSQL plan each prepared statement again.
  await database.pool.query('ANALYZE cases');
  await database.pool.query('CHECKPOINT');
  // Each batch of creates appends its ledger entries at one time: the rounds' batches are counted by it.
  const ledgerBefore = Number(
    (await database.pool.query('SELECT coalesce(max(seq), 0) AS seq FROM audit_ledger')).rows[0].seq,
  );
  // In turns, so that a slower or faster spell of the machine (a checkpoint, another process)
  // falls on both: the rates are the totals of all rounds, the p99 the worst round's.
  const rounds: { bare: Measured; open311: Measured }[] = [];
  for (let round = 0; round < roundCount; round++)
    rounds.push({
      bare: await withCpu(() => inserts(seconds)),
      open311: await withCpu(() => creates(seconds)),
    });
  const cpu = (kind: 'bare' | 'open311', part: 'nodeUs' | 'postgresUs') =>
    Math.round(
      rounds.reduce((sum, r) => sum + r[kind][part] * r[kind].total, 0) /
        rounds.reduce((sum, r) => sum + r[kind].total, 0),
    );
  const overall = (kind: 'bare' | 'open311') => ({
    perSecond: Math.round(rounds.reduce((sum, r) => sum + r[kind].total, 0) / (seconds * roundCount)),
    p50: Math.max(...rounds.map((r) => r[kind].p50)),
    p99: Math.max(...rounds.map((r) => r[kind].p99)),
  });
  const bare = overall('bare');
  const open311 = overall('open311');
  const ratio = open311.perSecond / bare.perSecond;
  console.log(
    `\nCreating a request over HTTP, 50 concurrent connections, ${roundCount} rounds of ${seconds} s each in turn`,
  );
  console.log(
    `rounds (Open311 / bare, Open311 p99 ms): ${rounds.map((r) => `${(r.open311.perSecond / r.bare.perSecond).toFixed(2)} ${r.open311.p99}`).join(', ')}`,
  );
  console.log('write                                          req/s   p50 ms   p99 ms');
  console.log(
    `bare single-row INSERT                      ${String(bare.perSecond).padStart(8)} ${String(bare.p50).padStart(8)} ${String(bare.p99).padStart(8)}`,
  );
  console.log(
    `POST /open311/v2/requests.json (full)       ${String(open311.perSecond).padStart(8)} ${String(open311.p50).padStart(8)} ${String(open311.p99).padStart(8)}`,
  );
  console.log(
    `Open311 / bare: ${ratio.toFixed(2)} (target at least 1.0) ${ratio >= 1 ? 'MET' : 'NOT MET'}; p99 ${open311.p99} ms (target under 50) ${open311.p99 < 50 ? 'MET' : 'NOT MET'}`,
  );
  console.log(
    `CPU per request, server + PostgreSQL: bare ${cpu('bare', 'nodeUs')} + ${cpu('bare', 'postgresUs')} µs, Open311 ${cpu('open311', 'nodeUs')} + ${cpu('open311', 'postgresUs')} µs (load average ${loadavg()[0]?.toFixed(1)})`,
  );
  const stored = await database.pool.query('SELECT count(*) FROM cases');
  const queued = await database.pool.query('SELECT count(*) FROM notification_outbox');
  const joined = await database.pool.query('SELECT count(*) FROM cases WHERE duplicate_of IS NOT NULL');
  const batches = await database.pool.query(
    `SELECT count(*) AS creates, count(DISTINCT at) AS batches FROM audit_ledger
      WHERE seq > $1 AND action = 'case.create'`,
    [ledgerBefore],
  );
  console.log(
    `creates per batch in the rounds: ${(batches.rows[0].creates / Math.max(1, batches.rows[0].batches)).toFixed(1)}`,
  );
  console.log(
    `cases stored: ${stored.rows[0].count} (${joined.rows[0].count} joined to an open one), notifications queued: ${queued.rows[0].count}`,
  );
  await built.jobs.stop();
  await app.close();
  await database.close();
} finally {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
}
