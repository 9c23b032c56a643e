// Benchmarks: start-up of the embedded database (cold and warm) and API latency over real
// HTTP against it, measured side by side in one run. Not part of `npm test`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.ts';
import { servicesFor } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { connect, migrate, startEmbedded } from '../src/db/index.ts';
import { loadDemo } from '../src/demo.ts';

const ms = (t0: number) => Math.round(performance.now() - t0);

async function latency(url: string, requests: number, concurrency: number) {
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < requests) {
        const start = performance.now();
        const response = await fetch(url);
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`${url} answered ${response.status}`);
        times.push(performance.now() - start);
      }
    }),
  );
  times.sort((a, b) => a - b);
  const pick = (q: number) => (times[Math.floor(q * (times.length - 1))] ?? 0).toFixed(1);
  return {
    perSecond: Math.round(requests / ((performance.now() - t0) / 1000)),
    p50: pick(0.5),
    p95: pick(0.95),
  };
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'flagstone-bench-'));
try {
  let t0 = performance.now();
  const cold = await startEmbedded({ dataDir, port: 54391 });
  const coldMs = ms(t0);
  await cold.stop();
  t0 = performance.now();
  const server = await startEmbedded({ dataDir, port: 54391 });
  const warmMs = ms(t0);
  const database = connect(server.url);
  t0 = performance.now();
  await migrate(database.pool);
  const services = await servicesFor(database);
  await loadDemo(services);
  const demoMs = ms(t0);
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent' }), services);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  console.log(`embedded PostgreSQL: first start (initdb) ${coldMs} ms, restart ${warmMs} ms`);
  console.log(`migrations + demo place (25 accounts, argon2id): ${demoMs} ms`);
  console.log('endpoint                          req/s   p50 ms  p95 ms   (2000 requests, 16 at a time)');
  for (const url of ['/healthz', '/api/v1/organisations', '/api/v1/services?q=bin', '/api/v1/areas', '/']) {
    await latency(base + url, 200, 16); // warm up
    const r = await latency(base + url, 2000, 16);
    console.log(
      `${url.padEnd(32)} ${String(r.perSecond).padStart(6)} ${r.p50.padStart(8)} ${r.p95.padStart(7)}`,
    );
  }
  await app.close();
  await database.close();
  await server.stop();
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
