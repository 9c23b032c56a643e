// Public reads under load: 50 connections asking, each in turn, for the start page, Open311's
// services and requests, the place's organisations and services, and the open data catalogue, on
// the live demo (a year of requests), beside the baseline of the same load on /healthz, in turns.
// Run: node bench/reads.ts (BENCH_SECONDS, BENCH_ROUNDS to change the length).
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.ts';
import { servicesFor, startJobs } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { connect, migrate, startEmbedded } from '../src/db/index.ts';
import { loadDemo } from '../src/demo.ts';
import { type LoadResult, load } from './load.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const roundCount = Number(process.env.BENCH_ROUNDS ?? 3);
const PUBLIC_READS = [
  '/',
  '/open311/v2/services.json',
  '/open311/v2/requests.json',
  '/open311/v2/requests.json?service_code=pothole&status=open',
  '/api/v1/organisations',
  '/api/v1/services',
  '/data',
  '/data.json',
];

const dataDir = await mkdtemp(path.join(tmpdir(), 'flagstone-bench-reads-'));
let server: Awaited<ReturnType<typeof startEmbedded>> | undefined;
try {
  server = await startEmbedded({ dataDir, port: 54394 });
  const database = connect(server.url, 20);
  await migrate(database.pool);
  const services = await servicesFor(database);
  await loadDemo(services, { live: true });
  // Behind a proxy, as in production: each reader has its own address and its own allowance.
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent', TRUST_PROXY: 'true' }), services);
  await startJobs(services, { notify: null }, { error: () => {}, warn: () => {}, info: () => {} });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const reads = (duration: number) => load(base, duration, { paths: PUBLIC_READS });
  const health = (duration: number) => load(`${base}/healthz`, duration);
  await health(2);
  await reads(3);
  // The machine is shared: how busy it was from others' work goes beside the figures.
  const busy = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(', ');
  const busyBefore = busy();
  const rounds: { health: LoadResult; reads: LoadResult }[] = [];
  for (let round = 0; round < roundCount; round++)
    rounds.push({ health: await health(seconds), reads: await reads(seconds) });
  const overall = (kind: 'health' | 'reads') => ({
    perSecond: Math.round(rounds.reduce((sum, r) => sum + r[kind].total, 0) / (seconds * roundCount)),
    p50: Math.max(...rounds.map((r) => r[kind].p50)),
    p99: Math.max(...rounds.map((r) => r[kind].p99)),
  });
  const baseline = overall('health');
  const mixed = overall('reads');
  console.log(
    `\nPublic reads over HTTP, 50 concurrent connections, ${roundCount} rounds of ${seconds} s each in turn with the baseline`,
  );
  console.log(`load average (1, 5, 15 min) ${busyBefore} before the rounds, ${busy()} after`);
  console.log(`the mix, each connection in turn: ${PUBLIC_READS.join(' ')}`);
  console.log('read                                           req/s   p50 ms   p99 ms');
  const row = (name: string, r: typeof baseline) =>
    console.log(
      `${name.padEnd(43)}${String(r.perSecond).padStart(8)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)}`,
    );
  row('GET /healthz (baseline)', baseline);
  row('mixed public reads', mixed);
  console.log(
    `mixed public reads p99 ${mixed.p99} ms (target under 100) ${mixed.p99 < 100 ? 'MET' : 'NOT MET'}`,
  );
  // Where the time goes: each read of the mix alone, for a short while.
  for (const read of PUBLIC_READS) row(`  ${read}`.slice(0, 43), await load(base, 2, { paths: [read] }));
  await services.jobs.stop();
  await app.close();
  await database.close();
} finally {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
}
