// Publishing every open dataset from a year of a region's requests and a year of spending:
// synthetic cases written straight into a fresh embedded PostgreSQL (the demo place's services,
// organisations and areas), then every dataset published by the real use-case (`flagstone
// publish`: the requests beside the rest), streamed through a cursor into its files. Prints the
// time and rows of each dataset, rows per second, the CPU time Node and PostgreSQL spent (the two
// cores' shares), and the peak memory (RSS) of the process, with a progress bar.
//   BENCH_OPENDATA_CASES=5000000 BENCH_OPENDATA_SPENDING=200000 node bench/opendata.ts
// BENCH_OPENDATA_KEEP=folder writes the cases into a database kept in that folder and stops; each
// later run with the same folder publishes from the cases already there (5,000,000 take about 7
// minutes to write), adding its releases to it.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MultiBar } from 'cli-progress';
import { sql } from 'kysely';
import { servicesFor } from '../src/compose.ts';
import { connect, migrate, startEmbedded } from '../src/db/index.ts';
import { loadDemo } from '../src/demo.ts';
import { freePort } from '../test/ports.ts';
import { cpuMeter } from './cpu.ts';

const CASES = Number(process.env.BENCH_OPENDATA_CASES ?? 5_000_000);
const SPENDING = Number(process.env.BENCH_OPENDATA_SPENDING ?? 200_000);
const number = (n: number) => n.toLocaleString('en-GB');
const peakMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

const keep = process.env.BENCH_OPENDATA_KEEP;
const reuse = keep !== undefined && existsSync(path.join(keep, 'postgres', 'PG_VERSION'));
const databaseDir = keep ?? (await mkdtemp(path.join(tmpdir(), 'flagstone-bench-opendata-db-')));

const nodeSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
/** The main thread's alone: the requests' rows are read and written there, their JSON beside it. */
const mainSeconds = () => {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1e6;
};

const server = await startEmbedded({ dataDir: databaseDir, port: await freePort() });
const { postgresSeconds } = cpuMeter(databaseDir);
const database = connect(server.url, 4);
try {
  await migrate(database.pool);
  const services = await servicesFor(database);
  const db = database.db;
  const started = performance.now();
  if (reuse) {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases`.execute(db);
    process.stdout.write(`Publishing from the ${number(rows[0]?.n ?? 0)} cases already in ${databaseDir}\n`);
  } else {
    await write();
    if (keep !== undefined)
      process.stdout.write(
        `Kept in ${databaseDir}: run again with the same BENCH_OPENDATA_KEEP to publish\n`,
      );
  }
  if (reuse || keep === undefined) await publishEvery();

  async function write() {
    await loadDemo(services);
    // A year of requests across the place: every service, its organisation and area by turn, spread
    // over the demo place's three districts; most closed within a fortnight.
    await sql`
    WITH pick AS (
      SELECT (SELECT array_agg(code ORDER BY code) FROM services) AS services,
             (SELECT array_agg(id ORDER BY ref) FROM organisations) AS organisations,
             (SELECT array_agg(id ORDER BY ref) FROM areas) AS areas)
    INSERT INTO cases (reference, service_code, organisation_id, area_id, route_basis, lat, lon, description,
                       email, status, status_reason, requested_at, updated_at, expected_at, channel)
    SELECT upper(lpad(to_hex(n & 65535), 4, '0') || '-' || lpad(to_hex(n >> 16), 4, '0')),
           services[1 + n % cardinality(services)], organisations[1 + n % cardinality(organisations)],
           areas[1 + n % cardinality(areas)], 'coverage', 52.2 + random() * 0.25, -2.3 + random() * 0.7,
           'A report', 'someone@example.com',
           CASE WHEN n % 7 = 0 THEN 'open' ELSE 'closed' END, 'Fixed',
           t, t + random() * interval '14 days', t + interval '5 days',
           CASE WHEN n % 3 = 0 THEN 'api' ELSE 'online' END
      FROM pick, generate_series(1, ${CASES}::int) AS n,
           LATERAL (SELECT now() - random() * interval '365 days' AS t) AS d`.execute(db);
    await sql`
    WITH pick AS (SELECT array_agg(id ORDER BY ref) AS organisations FROM organisations
                   WHERE kind IN ('county_council', 'district_council', 'unitary_council'))
    INSERT INTO spending_lines (organisation_id, spent_on, department, beneficiary, beneficiary_type, purpose, amount, transaction_number)
    SELECT organisations[1 + n % cardinality(organisations)], (now() - random() * interval '365 days')::date, 'Highways',
           CASE WHEN n % 10 = 0 THEN 'A person' ELSE 'Supplier ' || (n % 500) END,
           CASE WHEN n % 10 = 0 THEN 'individual' ELSE 'company' END,
           'Works and services', round((100 + random() * 20000)::numeric, 2), 'B-' || n
      FROM pick, generate_series(1, ${SPENDING}::int) AS n`.execute(db);
    await sql`ANALYZE`.execute(db);
    process.stdout.write(
      `Wrote ${number(CASES)} cases and ${number(SPENDING)} spending lines in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
  }
  async function publishEvery() {
    // Every service published one by one: the most rows the requests dataset can have.
    for (const s of await services.places.services()) await services.openData.setPublication(s.code, 'rows');
    // The KPIs' closed months kept and a tree head of the ledger signed, as the jobs do, so the
    // outcome KPIs and the tree heads datasets have what they publish (not counted in the time).
    await services.outcomes.kpis.recompute();
    await services.governance.ledger.checkpoint();

    const total = performance.now();
    const cpu = { node: nodeSeconds(), main: mainSeconds(), postgres: postgresSeconds() };
    // Published as `flagstone publish` does: the requests beside the other datasets (publishEach).
    const bars = new MultiBar({
      format: '{dataset} [{bar}] {value} rows',
      hideCursor: true,
      clearOnComplete: true,
    });
    const requests = bars.create(CASES, 0, { dataset: 'service-requests' });
    const lines: string[] = []; // in the order the releases were made, once the bar is gone
    await services.openData.publishEach(
      services.openData.datasets().map((d) => d.id),
      (release, seconds) => {
        const bytes = release.files.reduce((sum, f) => sum + f.byteSize, 0);
        lines.push(
          `${release.dataset}: ${number(release.rows)} rows, ${(bytes / 1_048_576).toFixed(0)} MiB of files in ${seconds.toFixed(1)} s (${number(Math.round(release.rows / seconds))} rows/s)\n`,
        );
      },
      (dataset, rows) => {
        if (dataset === 'service-requests') requests.update(rows);
      },
    );
    bars.stop();
    process.stdout.write(lines.join(''));
    const seconds = (performance.now() - total) / 1000;
    process.stdout.write(
      `CPU: Node ${(nodeSeconds() - cpu.node).toFixed(1)} s (its main thread ${(mainSeconds() - cpu.main).toFixed(1)} s), PostgreSQL ${(postgresSeconds() - cpu.postgres).toFixed(1)} s\n`,
    );
    process.stdout.write(
      `Every dataset published in ${seconds.toFixed(1)} s (limit 180 s); peak RSS ${peakMiB()} MiB (limit 1024 MiB)\n`,
    );
    if (seconds > 180 || peakMiB() > 1024) process.exitCode = 1;
  }
} finally {
  await database.close();
  await server.stop();
  if (keep === undefined) await rm(databaseDir, { recursive: true, force: true });
}
