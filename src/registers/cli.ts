// The command line of the registers: `flagstone import people` and `flagstone link`, with
// progress bars on standard error and a report on standard output.
import { createReadStream, statSync } from 'node:fs';
import { type Readable, Transform } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { DomainError } from '../platform/index.ts';
import { parseColumnMapping, type RowProblem } from './import-rows.ts';
import type { ImportService } from './importing.ts';
import { type LinkingService, TRAINING_FLOOR } from './linking.ts';
import type { PropertiesService } from './properties.ts';

export interface ImportPeopleOptions {
  org: string;
  columns?: string;
  marking?: string;
}

function progressBar(unit: string) {
  return new SingleBar({
    format: `{bar} {percentage}% | {value}/{total} ${unit}{extra}`,
    hideCursor: true,
    stream: process.stderr,
    noTTYOutput: false,
    etaBuffer: 50,
  });
}

const problemLines = (title: string, problems: RowProblem[], limit = 50) =>
  problems.length === 0
    ? []
    : [
        `${title}:`,
        ...problems.slice(0, limit).map((p) => `  line ${p.row}, ${p.field}: ${p.reason}`),
        ...(problems.length > limit ? [`  … and ${problems.length - limit} more`] : []),
      ];

/**
 * Reads a file through `load` with a progress bar of the kilobytes read (and the rows so far);
 * returns the lines `load` reports to print, or a domain error's message to fail with.
 */
async function loadFile(
  file: string,
  load: (csv: Readable, progress: (rows: number) => void) => Promise<string[]>,
): Promise<{ ok: boolean; message: string }> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return { ok: false, message: `cannot read ${file}` };
  }
  const bar = progressBar('kB');
  const kb = (n: number) => Math.ceil(n / 1024);
  bar.start(kb(size), 0, { extra: '' });
  let read = 0;
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      read += chunk.length;
      done(null, chunk);
    },
  });
  const progress = (rows: number) => bar.update(kb(read), { extra: ` | ${rows} rows` });
  try {
    const lines = await load(createReadStream(file).pipe(counting), progress);
    bar.update(kb(size));
    bar.stop();
    return { ok: true, message: `${lines.join('\n')}\n` };
  } catch (error) {
    bar.stop();
    if (error instanceof DomainError) return { ok: false, message: error.message };
    throw error;
  }
}

/** Loads a CSV file of people; returns the report to print, or throws a message to fail with. */
export async function importPeopleFromCommandLine(
  importing: ImportService,
  file: string,
  options: ImportPeopleOptions,
): Promise<{ ok: boolean; message: string }> {
  let mapping: ReturnType<typeof parseColumnMapping>;
  try {
    mapping = parseColumnMapping(options.columns);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  return loadFile(file, async (csv, progress) => {
    const started = performance.now();
    const report = await importing.importPeople({
      organisation: options.org,
      csv,
      mapping,
      marking: options.marking,
      onBatch: (r) => progress(r.rows),
    });
    const seconds = (performance.now() - started) / 1000;
    return [
      `Read ${report.rows} rows of ${file} for ${options.org} in ${seconds.toFixed(1)} s: ${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged, ${new Set(report.rejected.map((r) => r.row)).size} rejected`,
      ...problemLines('Rejected rows (not loaded)', report.rejected),
      ...problemLines('Values not stored (the rest of the row loaded)', report.dropped),
    ];
  });
}

/** How long each stage took, on one line: "load 0.2 s, normalise 0.1 s, ...". */
export const phaseLine = (phases: { stage: string; seconds: number }[]) =>
  phases.map((p) => `${p.stage} ${p.seconds.toFixed(1)} s`).join(', ');

/**
 * Runs linkage over every organisation's records, with a progress bar per stage. Refused, with
 * nothing changed, while another run holds the lock.
 */
export async function linkFromCommandLine(
  linking: LinkingService,
  options: { force?: boolean },
): Promise<{ ok: boolean; message: string }> {
  const bar = progressBar('');
  let stage = '';
  const started = performance.now();
  let report: Awaited<ReturnType<LinkingService['run']>>;
  try {
    report = await linking.run({
      force: options.force,
      onProgress: (name, done, total) => {
        if (name !== stage) {
          if (stage) bar.stop();
          stage = name;
          // without a terminal the bar is silent: say which stage has begun instead
          if (!process.stderr.isTTY) process.stderr.write(`${name}…\n`);
          bar.start(Math.max(total, 1), done, { extra: ` ${name}` });
        } else bar.update(done, { extra: ` ${name}` });
      },
    });
  } catch (error) {
    if (stage) bar.stop();
    if (error instanceof DomainError) return { ok: false, message: error.message };
    throw error;
  }
  if (stage) bar.stop();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (!report.ran)
    return {
      ok: true,
      message: `Nothing to link: no record changed and no pair was decided since the last run (${report.records} records, ${report.people} people). Use --force to run anyway.\n`,
    };
  const message = [
    `Linked ${report.records} records (${report.changed} new or changed) in ${seconds} s: ${report.candidatePairs} candidate pairs compared${report.records < TRAINING_FLOOR ? ' (the synthetic training population included)' : ''}`,
    `  ${report.automatic} pairs linked automatically, ${report.review} waiting for review`,
    `  ${report.people} people: ${report.created} new, ${report.merged} merged, ${report.split} split`,
    `  time: ${phaseLine(report.phases)}`,
    '',
  ].join('\n');
  return { ok: true, message };
}

/** Loads a gazetteer CSV file (uprn, address, town, postcode, and latitude/longitude or easting/northing). */
export function importPropertiesFromCommandLine(
  properties: PropertiesService,
  file: string,
): Promise<{ ok: boolean; message: string }> {
  return loadFile(file, async (csv, progress) => {
    const report = await properties.importProperties(csv, (r) => progress(r.rows));
    return [
      `Read ${report.rows} rows of ${file}: ${report.loaded} properties loaded or updated, ${new Set(report.rejected.map((r) => r.row)).size} rejected`,
      ...problemLines('Rejected rows (not loaded)', report.rejected),
    ];
  });
}
