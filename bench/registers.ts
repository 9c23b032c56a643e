// Record linkage over the registers at scale, end to end through the database: synthetic people
// (the engine's generator, truth known) written as four organisations' CSV files, loaded with the
// real import (streamed, batches of 500, each with its ledger entry), linked by the real
// `flagstone link` use-case (lock, load, engine, store), then linked again after 1% of the
// records changed and once more with nothing changed. Prints records per second, the time of
// each phase, and how the people found compare with the truth.
//   BENCH_REGISTER_RECORDS=100000 node bench/registers.ts
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { createApp } from '../src/app.ts';
import { servicesFor } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { connect, migrate, startEmbedded } from '../src/db/index.ts';
import { loadDemo } from '../src/demo.ts';
import { type LinkageRecord, syntheticPeople } from '../src/linkage/index.ts';
import { PEOPLE_COLUMNS, type PeopleColumn } from '../src/registers/importing/rows.ts';
import { phaseLine } from '../src/registers/people/command-line.ts';
import { freePort } from '../test/ports.ts';
import { signInWithPassword } from './sign-in.ts';

const RECORDS = Number(process.env.BENCH_REGISTER_RECORDS ?? 100_000);
const ORGANISATIONS = ['fellshire-cc', 'fellshire-nhs', 'castlebridge-council', 'fellshire-fire'];

const perSecond = (n: number, seconds: number) => Math.round(n / seconds).toLocaleString('en-GB');
const number = (n: number) => n.toLocaleString('en-GB');

/** Dates as an organisation's system exports them (the generator varies the format). */
function isoDate(text: string | undefined): string {
  if (!text) return '';
  const dmy = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (dmy) return `${dmy[3]}-${dmy[2]}-${dmy[1]}`;
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  return text;
}

const row = (r: LinkageRecord, ref: string, phone = r.phone): Partial<Record<PeopleColumn, string>> => ({
  local_ref: ref,
  given_names: [r.firstName, r.middleName].filter(Boolean).join(' '),
  family_name: r.lastName ?? '',
  date_of_birth: isoDate(r.dateOfBirth),
  address_line: r.addressLine ?? '',
  town: r.town ?? '',
  postcode: r.postcode ?? '',
  nhs_number: r.nhsNumber ?? '',
  phone: phone ?? '',
  email: r.email ?? '',
});
/** A file of people with every column an organisation's file may have (those the generator leaves out empty). */
const peopleFile = (rows: Partial<Record<PeopleColumn, string>>[]) =>
  stringify(rows, { header: true, columns: [...PEOPLE_COLUMNS] });

/** Pairwise precision, recall and F1 of people found against the true people. */
function score(found: Map<number, string>, truth: Int32Array) {
  const pairs = (groups: Map<string, number>) => {
    let n = 0;
    for (const size of groups.values()) n += (size * (size - 1)) / 2;
    return n;
  };
  const count = (key: (i: number) => string) => {
    const groups = new Map<string, number>();
    for (const i of found.keys()) groups.set(key(i), (groups.get(key(i)) ?? 0) + 1);
    return pairs(groups);
  };
  const predicted = count((i) => found.get(i) as string);
  const actual = count((i) => String(truth[i]));
  const both = count((i) => `${found.get(i)} ${truth[i]}`);
  const precision = both / predicted;
  const recall = both / actual;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'flagstone-bench-registers-'));
const databaseDir = await mkdtemp(path.join(tmpdir(), 'flagstone-bench-registers-db-'));
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
try {
  const server = await startEmbedded({ dataDir: databaseDir, port: await freePort() });
  const database = connect(server.url, 10);
  await migrate(database.pool);
  const services = await servicesFor(database);
  const credentials = await loadDemo(services);

  /**
   * "Do we already know this person?" through the HTTP API, one request after another, signed in
   * as a manager of the NHS trust for direct care: the latency of each from the app's own clock
   * (in process, no network).
   */
  const matchLatency = async (records: readonly LinkageRecord[]) => {
    const app = await createApp(
      loadConfig({ LOG_LEVEL: 'silent', FLAGSTONE_STAFF_SECOND_FACTOR: 'optional' }),
      services,
    );
    const cookie = await signInWithPassword(app, credentials, 'manager at fellshire-nhs');
    const times: number[] = [];
    let found = 0;
    const QUERIES = 400;
    const WARM_UP = 40;
    for (let k = 0; k < QUERIES + WARM_UP; k++) {
      const r = records[(k * 7919) % records.length] as LinkageRecord;
      const query = {
        givenNames: [r.firstName, r.middleName].filter(Boolean).join(' ') || undefined,
        familyName: r.lastName || undefined,
        dateOfBirth: isoDate(r.dateOfBirth) || undefined,
        postcode: r.postcode || undefined,
        purpose: 'direct_care',
      };
      const t0 = performance.now();
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/people/match',
        headers: { cookie, 'content-type': 'application/json' },
        payload: JSON.stringify(query),
      });
      const ms = performance.now() - t0;
      if (response.statusCode !== 200)
        throw new Error(`match answered ${response.statusCode}: ${response.body}`);
      if (k < WARM_UP) continue;
      times.push(ms);
      if ((response.json() as { matches: unknown[] }).matches.length > 0) found++;
    }
    times.sort((x, y) => x - y);
    const at = (q: number) =>
      (times[Math.min(times.length - 1, Math.floor(q * times.length))] as number).toFixed(1);
    console.log(
      `  POST /api/v1/people/match, ${QUERIES} records' people asked for one after another: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms (target p99 under 50 ms), someone found for ${found}`,
    );
    await app.close();
  };

  const g0 = performance.now();
  const data = syntheticPeople({ records: RECORDS, seed: 2026, sources: ORGANISATIONS.length });
  const files = ORGANISATIONS.map((organisation) => ({
    organisation,
    path: path.join(dataDir, `${organisation}.csv`),
  }));
  const bySource = new Map<string, number[]>();
  data.records.forEach((r, i) => {
    const list = bySource.get(r.source) ?? [];
    list.push(i);
    bySource.set(r.source, list);
  });
  const sources = [...bySource.keys()].sort();
  const organisationOf = new Map(sources.map((s, k) => [s, k % ORGANISATIONS.length]));
  const rowsOf = ORGANISATIONS.map(() => [] as number[]);
  // one by one: spreading a quarter of a million indexes into push() overflows the stack
  for (const [source, indexes] of bySource) {
    const rows = rowsOf[organisationOf.get(source) as number];
    for (const i of indexes) rows?.push(i);
  }
  for (const [k, file] of files.entries()) {
    const rows = (rowsOf[k] ?? []).map((i) => row(data.records[i] as LinkageRecord, `SYN-${i}`));
    await writeFile(file.path, peopleFile(rows));
  }
  console.log(
    `Registers at scale: ${number(RECORDS)} synthetic people's records (truth known) as ${files.length} organisations' CSV files, made in ${((performance.now() - g0) / 1000).toFixed(1)} s`,
  );

  // 1. the real import, one organisation's file after another
  const i0 = performance.now();
  let loaded = 0;
  let rejected = 0;
  for (const file of files) {
    const report = await services.importing.importPeople({
      organisation: file.organisation,
      csv: createReadStream(file.path),
    });
    loaded += report.inserted + report.updated;
    rejected += new Set(report.rejected.map((r) => r.row)).size;
  }
  const importSeconds = (performance.now() - i0) / 1000;
  console.log(
    `  import people: ${number(loaded)} loaded, ${number(rejected)} rejected (impossible dates, postcodes with typos, no name) in ${importSeconds.toFixed(1)} s = ${perSecond(loaded + rejected, importSeconds)} rows per second`,
  );

  // 2. the first linkage run over everything
  const l0 = performance.now();
  const first = await services.linking.run();
  const linkSeconds = (performance.now() - l0) / 1000;
  console.log(
    `  link, first run: ${number(first.records)} records in ${linkSeconds.toFixed(1)} s = ${perSecond(first.records, linkSeconds)} records per second`,
  );
  console.log(`    phases: ${phaseLine(first.phases)}`);
  console.log(
    `    ${number(first.candidatePairs)} candidate pairs; ${number(first.automatic)} linked automatically, ${number(first.review)} for review; ${number(first.people)} people`,
  );
  const peopleNow = async () => {
    const { rows } = await database.pool.query<{ local_ref: string; person_id: string }>(
      `SELECT r.local_ref, l.person_id FROM local_records r JOIN person_links l ON l.record_id = r.id
        WHERE r.local_ref LIKE 'SYN-%'`,
    );
    return new Map(rows.map((r) => [Number(r.local_ref.slice(4)), r.person_id]));
  };
  const found = await peopleNow();
  const quality = score(found, data.person);
  console.log(
    `    the people found against the truth (pairs of the records loaded): precision ${quality.precision.toFixed(4)}, recall ${quality.recall.toFixed(4)}, F1 ${quality.f1.toFixed(4)}`,
  );

  // 3. 1% of the records changed (a new phone number), re-imported by their references, linked again
  const changed = Math.max(1, Math.round(loaded / 100));
  const c0 = performance.now();
  let updated = 0;
  for (const [k, file] of files.entries()) {
    const indexes = (rowsOf[k] ?? []).filter((i) => found.has(i)).slice(0, Math.ceil(changed / files.length));
    const rows = indexes.map((i) =>
      row(data.records[i] as LinkageRecord, `SYN-${i}`, `07700 9${String(i % 100_000).padStart(5, '0')}`),
    );
    const csv = peopleFile(rows);
    const report = await services.importing.importPeople({
      organisation: file.organisation,
      csv: Readable.from([csv]),
    });
    updated += report.updated;
  }
  const reimportSeconds = (performance.now() - c0) / 1000;
  const a0 = performance.now();
  const again = await services.linking.run();
  const againSeconds = (performance.now() - a0) / 1000;
  console.log(
    `  link after ${number(updated)} records changed (re-imported in ${reimportSeconds.toFixed(1)} s): ${number(again.changed)} changed of ${number(again.records)}, in ${againSeconds.toFixed(1)} s (${(linkSeconds / againSeconds).toFixed(2)}x the first run's speed); ${number(again.merged)} merged, ${number(again.split)} split`,
  );
  console.log(`    phases: ${phaseLine(again.phases)}`);
  console.log(
    `    ${again.incremental ? 'only what changed, with the last model' : 'over everything'}: ${number(again.candidatePairs)} pairs compared`,
  );

  // 3b. the same people a full run gives? (a forced run over everything, learning again)
  const afterChange = await peopleNow();
  const f0 = performance.now();
  await services.linking.run({ force: true });
  const fullSeconds = (performance.now() - f0) / 1000;
  const afterFull = await peopleNow();
  const fellows = (people: Map<number, string>) => {
    const members = new Map<string, number[]>();
    for (const [record, person] of people) members.set(person, [...(members.get(person) ?? []), record]);
    return new Map(
      [...people].map(([record, person]) => [
        record,
        (members.get(person) ?? []).sort((x, y) => x - y).join(' '),
      ]),
    );
  };
  const incrementalPeople = fellows(afterChange);
  const fullPeople = fellows(afterFull);
  const differing = [...fullPeople].filter(([record, line]) => incrementalPeople.get(record) !== line).length;
  console.log(
    `    a forced run over everything (${fullSeconds.toFixed(1)} s) puts ${number(differing)} of ${number(fullPeople.size)} records in a person other than that run did`,
  );

  // 4. nothing changed: the run is skipped
  const n0 = performance.now();
  const idle = await services.linking.run();
  console.log(
    `  link with nothing changed: ${idle.ran ? 'ran' : 'skipped'} in ${((performance.now() - n0) / 1000).toFixed(2)} s (${phaseLine(idle.phases)})`,
  );
  await matchLatency(data.records);
  console.log(
    `  end to end (import and first link): ${number(loaded)} records in ${(importSeconds + linkSeconds).toFixed(1)} s = ${perSecond(loaded, importSeconds + linkSeconds)} records per second; peak memory of this process ${Math.round(peakRss / 2 ** 20)} MiB`,
  );
  await database.close();
  await server.stop();
} finally {
  clearInterval(sampler);
  await rm(dataDir, { recursive: true, force: true });
  await rm(databaseDir, { recursive: true, force: true });
}
