// The Open311 list of requests under a burst of readers, measured side by side in one run, with
// 1,000 requests in the last 90 days (the whole list in one page, page_size=1000):
//  A. another client's request (GET /api/v1/services) alone, one connection;
//  B. 50 connections reading the list, every request a different client (X-Forwarded-For,
//     TRUST_PROXY on), with the other client alongside: what the shared page costs;
//  C. the same 50 connections as one client, with the other client alongside: its allowance
//     (600 reads a minute) answers the rest 429 and the other client is not slowed.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createApp } from '../src/app.ts';
import { servicesFor } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { connect, migrate, startEmbedded } from '../src/db/index.ts';
import { loadDemo } from '../src/demo.ts';

const run = promisify(execFile);
const autocannon = path.resolve(import.meta.dirname, '../node_modules/.bin/autocannon');
const seconds = Number(process.env.BENCH_SECONDS ?? 8);

/** autocannon in its own process: one fixed client, or (`manyClients`) a new client every request. */
async function cannon(url: string, connections: number, client: string) {
  const args = [
    '--json',
    '-c',
    String(connections),
    '-d',
    String(seconds),
    '-H',
    `x-forwarded-for=${client}`,
  ];
  const [command, commandArgs] =
    client === 'many'
      ? [process.execPath, [path.resolve(import.meta.dirname, 'load-clients.ts'), url, String(seconds)]]
      : [autocannon, [...args, url]];
  const { stdout } = await run(command, commandArgs, { maxBuffer: 64 * 1024 * 1024 });
  const r = JSON.parse(stdout);
  return {
    perSecond: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok: r['2xx'],
    refused: r.non2xx,
  };
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'flagstone-bench-open311-'));
const server = await startEmbedded({ dataDir, port: 54394 });
try {
  const database = connect(server.url, 20);
  await migrate(database.pool);
  const built = await servicesFor(database);
  await loadDemo(built);
  for (let i = 0; i < 1000; i += 50)
    await Promise.all(
      Array.from({ length: 50 }, (_, j) =>
        built.requests.submit({
          service: 'pothole',
          lat: 52.27 + ((i + j) % 40) * 0.0015,
          lon: -1.72 + Math.floor((i + j) / 40) * 0.0025,
          attributes: { size: 'large' },
          description: 'A deep pothole',
        }),
      ),
    );
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent', TRUST_PROXY: 'true' }), built);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const list = `${base}/open311/v2/requests.json?page_size=1000`;
  const other = `${base}/api/v1/services`;
  const listed = (await (await fetch(list)).json()) as unknown[];

  const alone = await cannon(other, 1, '192.0.2.1');
  const [shared, otherShared] = await Promise.all([cannon(list, 50, 'many'), cannon(other, 1, '192.0.2.1')]);
  const [limited, otherLimited] = await Promise.all([
    cannon(list, 50, '198.51.100.9'),
    cannon(other, 1, '192.0.2.2'),
  ]);
  const ms = (r: { p50: number; p99: number }) => `p50 ${r.p50} ms, p99 ${r.p99} ms`;
  console.log(`\nOpen311 list of ${listed.length} requests, ${seconds} s a run`);
  console.log(`A. another client alone:                    ${alone.perSecond}/s, ${ms(alone)}`);
  console.log(
    `B. 50 readers, each a different client:     ${shared.perSecond}/s, ${ms(shared)}, ${shared.refused} refused`,
  );
  console.log(`   the other client meanwhile:              ${otherShared.perSecond}/s, ${ms(otherShared)}`);
  console.log(
    `C. 50 readers as one client:                ${limited.ok} answered, ${limited.refused} refused (429), ${ms(limited)}`,
  );
  console.log(`   the other client meanwhile:              ${otherLimited.perSecond}/s, ${ms(otherLimited)}`);
  await app.close();
  await database.close();
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
