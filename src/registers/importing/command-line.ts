// The command line of importing: `flagstone import people`, with a progress bar on standard
// error and a report on standard output; and reading a file with a progress bar, which
// `flagstone import properties` and `flagstone link` share.
import { createReadStream, statSync } from 'node:fs';
import { type Readable, Transform } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { DomainError } from '../../platform/index.ts';
import { parseColumnMapping, type RowProblem } from './rows.ts';
import type { ImportService } from './service.ts';

export interface ImportPeopleOptions {
  org: string;
  columns?: string;
  marking?: string;
}

export function progressBar(unit: string) {
  return new SingleBar({
    format: `{bar} {percentage}% | {value}/{total} ${unit}{extra}`,
    hideCursor: true,
    stream: process.stderr,
    noTTYOutput: false,
    etaBuffer: 50,
  });
}

export const problemLines = (title: string, problems: RowProblem[], limit = 50) =>
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
export async function loadFile(
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
