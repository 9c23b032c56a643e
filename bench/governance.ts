// Governance benchmarks, measured side by side in one run:
//  1. a governed read of one person record (authorize + ledger append + response) against
//     the same read with governance switched off, over HTTP with 50 concurrent connections;
//  2. how many audit ledger entries per second `audit verify` checks, freshly vacuumed and in use.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from '../src/app.ts';
import { servicesFor } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { connect, migrate, startEmbedded } from '../src/db/index.ts';
import { loadDemo } from '../src/demo.ts';
import { loadPolicies } from '../src/governance/index.ts';
import { appendEntries } from '../src/governance/ledger/index.ts';
import { identitySettings, whoIsAsking } from '../src/identity/index.ts';
import { findRecord, PersonRecordSchema, toPersonRecord } from '../src/registers/records/index.ts';
import { contexts } from '../src/web/index.ts';
import { cpuMeter } from './cpu.ts';
import { load } from './load.ts';
import { signInWithPassword } from './sign-in.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);

const dataDir = await mkdtemp(path.join(tmpdir(), 'flagstone-bench-governance-'));
try {
  const server = await startEmbedded({ dataDir, port: 54392 });
  const database = connect(server.url, 20);
  await migrate(database.pool);
  const services = await servicesFor(database);
  const credentials = await loadDemo(services);
  // The manager signs in with a password alone: a read costs the same at either level, and the
  // sign-in is not what is measured.
  const app = await createApp(
    loadConfig({ LOG_LEVEL: 'silent', FLAGSTONE_STAFF_SECOND_FACTOR: 'optional' }),
    services,
  );
  // The same read with governance switched off: same session, same context as the API's routes
  // (who is asking, problem+json), same route shape and schema.
  const settings = identitySettings(loadConfig({ FLAGSTONE_STAFF_SECOND_FACTOR: 'optional' }));
  const api = contexts(whoIsAsking({ identity: services.identity, settings })).api;
  await app.register(
    api(async (routes) => {
      routes.get<{ Params: { id: string } }>(
        '/bench/ungoverned/records/:id',
        { schema: { response: { 200: PersonRecordSchema } } },
        async (request) => {
          if (!request.actor) throw new Error('not signed in');
          return toPersonRecord((await findRecord(database.db, request.params.id)) as never);
        },
      );
    }),
  );

  const cookie = await signInWithPassword(app, credentials, 'manager at castlebridge-council');
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const search = await fetch(`${base}/api/v1/records?name=khan`, { headers: { cookie } });
  if (!search.ok) throw new Error(`searching the records failed with ${search.status}`);
  const [record] = (await search.json()) as { id: string; organisation: string }[];
  if (!record) throw new Error('no demo record');

  const governedUrl = `${base}/api/v1/records/${record.id}`;
  const ungovernedUrl = `${base}/bench/ungoverned/records/${record.id}`;
  await load(ungovernedUrl, 2, { cookie });
  await load(governedUrl, 2, { cookie });
  const before = await services.governance.ledger.status();
  const meter = cpuMeter(dataDir);
  const withCpu = meter.withCpu;
  const ungoverned = await withCpu(() => load(ungovernedUrl, seconds, { cookie }));
  const governed = await withCpu(() => load(governedUrl, seconds, { cookie }));
  const after = await services.governance.ledger.status();
  const ratio = governed.perSecond / ungoverned.perSecond;

  console.log(
    '\nGoverned read of one person record over HTTP, 50 concurrent connections, %d s each',
    seconds,
  );
  console.log('read                      req/s   p50 ms   p99 ms');
  console.log(
    `governance off        ${String(ungoverned.perSecond).padStart(8)} ${String(ungoverned.p50).padStart(8)} ${String(ungoverned.p99).padStart(8)}`,
  );
  console.log(
    `governed (authorize + ledger) ${String(governed.perSecond).padStart(0)} ${String(governed.p50).padStart(8)} ${String(governed.p99).padStart(8)}`,
  );
  console.log(
    `CPU per read, server + PostgreSQL: off ${Math.round(ungoverned.nodeUs)} + ${Math.round(ungoverned.postgresUs)} µs, governed ${Math.round(governed.nodeUs)} + ${Math.round(governed.postgresUs)} µs (load average ${loadavg()[0]?.toFixed(1)})`,
  );
  console.log(
    `governed / off: ${ratio.toFixed(2)} (target at least 0.85) ${ratio >= 0.85 ? 'MET' : 'NOT MET'}`,
  );
  console.log(
    `ledger entries written by the governed run: ${after.entries - before.entries} (requests: ${governed.total + 0})`,
  );
  // The bench reads one record again and again, so the decision point answers all but the first
  // decision from memory; a read of a record not read before asks Cedar. What each costs:
  const pdp = await loadPolicies();
  const asks = Array.from({ length: 2000 }, (_, i) => ({
    principal: {
      uid: { type: 'Flagstone::Staff', id: 'bench' },
      attrs: {
        organisations: [{ __entity: { type: 'Flagstone::Organisation', id: 'o1' } }],
        manages: [],
        clearance: 2,
      },
    },
    action: 'read',
    resource: {
      uid: { type: 'Flagstone::PersonRecord', id: `r${i}` },
      attrs: { organisation: { __entity: { type: 'Flagstone::Organisation', id: 'o1' } }, marking: 1 },
    },
    context: {},
  }));
  const timed = () => {
    const t = performance.now();
    for (const ask of asks) pdp.authorize(ask);
    return (1000 * (performance.now() - t)) / asks.length;
  };
  const first = timed();
  const again = timed();
  console.log(
    `a decision: ${first.toFixed(0)} µs asked of Cedar (a record not read before), ${again.toFixed(1)} µs answered again from memory`,
  );
  await app.close();

  // Ledger verification throughput over a ledger of a few hundred thousand entries.
  const target = Number(process.env.BENCH_LEDGER_ENTRIES ?? 300_000);
  const existing = (await services.governance.ledger.status()).entries;
  /** Appends entries up to `upTo`, 5000 a transaction, as reads of the record by staff. */
  const appendUpTo = async (from: number, upTo: number) => {
    for (let written = from; written < upTo; written += 5000) {
      const batch = Array.from({ length: Math.min(5000, upTo - written) }, (_, i) => ({
        action: 'person-record.read',
        actor: {
          account: '00000000-0000-4000-8000-000000000001',
          kind: 'staff' as const,
          organisation: 'castlebridge-council',
          role: 'manager',
        },
        resource: { type: 'person-record', id: record.id, organisation: record.organisation },
        subject: null,
        purpose: i % 2 ? 'safeguarding' : null,
        agreement: null,
        decision: 'allow' as const,
        policies: ['own-organisation'],
        breakGlass: false,
        reason: null,
        requestId: '00000000-0000-4000-8000-000000000002',
      }));
      await database.db.transaction().execute((trx) => appendEntries(trx, batch, new Date()));
    }
  };
  const t0 = performance.now();
  await appendUpTo(existing, target);
  const appendSeconds = (performance.now() - t0) / 1000;
  await services.governance.ledger.checkpoint();
  // A ledger is verified long after most of its entries were written, when autovacuum has marked
  // them visible to all. Read straight after a bulk append, each row would first be marked (and
  // its page written) by the verify itself: that measures the append's aftermath, not the check.
  await database.pool.query('VACUUM audit_ledger');
  // On a shared machine the wall clock says how busy the others are: the CPU time a verify takes
  // (this process's threads and the database's processes) says what it costs, and the rate two
  // idle cores would give if both were kept busy.
  const cpuSeconds = meter.seconds;
  const verifyTimed = async <T extends { entries: number; checked?: number }>(verify: () => Promise<T>) => {
    const c0 = cpuSeconds();
    const t0 = performance.now();
    const result = await verify();
    const seconds = (performance.now() - t0) / 1000;
    await sleep(200);
    const cpu = cpuSeconds() - c0;
    const checked = result.checked ?? result.entries;
    const cost = `CPU ${cpu.toFixed(2)} s (${((1e6 * cpu) / checked).toFixed(1)} µs an entry: ${Math.round((2 * checked) / cpu)} a second on two idle cores)`;
    return { result, seconds, rate: Math.round(result.entries / seconds), cost };
  };
  const full = await verifyTimed(() => services.governance.ledger.verify());
  const verified = full.result;
  const rate = full.rate;
  console.log(
    `\nAudit ledger: appended ${target - existing} entries in batches of 5000 at ${Math.round((target - existing) / appendSeconds)} per second`,
  );
  console.log(
    `audit verify: ${verified.entries} entries, ${verified.checkpoints} checkpoints, ${verified.ok ? 'intact' : 'BROKEN'}, in ${full.seconds.toFixed(2)} s = ${rate} entries per second, freshly vacuumed; ${full.cost}`,
  );
  // A day later: the ledger grew by a hundredth, in use (not vacuumed), and the daily verify
  // resumes where the last one ended.
  const grown = target + Math.round(target / 100);
  await appendUpTo(target, grown);
  await services.governance.ledger.checkpoint();
  // The whole ledger again, in use: its newest entries not yet vacuumed.
  const used = await verifyTimed(() => services.governance.ledger.verify());
  const inUse = used.result;
  console.log(
    `audit verify of the ledger in use: ${inUse.entries} entries, ${inUse.ok ? 'intact' : 'BROKEN'}, in ${used.seconds.toFixed(2)} s = ${used.rate} entries per second (target at least 300000) ${inUse.ok && used.rate >= 300_000 ? 'MET' : 'NOT MET'}; ${used.cost}`,
  );
  const day = await verifyTimed(() => services.governance.ledger.verify(undefined, [], verified.state));
  const daily = day.result;
  console.log(
    `audit verify from the last one: ${daily.checked} new of ${daily.entries} entries, ${daily.ok ? 'intact' : 'BROKEN'}, in ${day.seconds.toFixed(2)} s (a full verify of the same ledger: about ${(daily.entries / rate).toFixed(1)} s; target: seconds) ${daily.ok && day.seconds < 10 ? 'MET' : 'NOT MET'}`,
  );
  await database.close();
  await server.stop();
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
