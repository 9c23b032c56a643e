// The shape every dataset shares: what the catalogue says of it (DCAT), its columns, and how a
// release of it is built, row by row, into its files (CSV always; JSON rows, or a JSON document
// of its own such as an OCDS release package).
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

export interface Column {
  name: string;
  description: string;
}

/** What a dataset's builder is handed: the time, and where each row goes. */
export interface BuildContext {
  now: Date;
  /** A promise only when the row filled a part of a file, which is being stored: await it then. */
  row(values: Row): Promise<void> | undefined;
  /** Whether disclosure control is on (it is always, but in the test that shows what it stops). */
  disclosureControl: boolean;
}

export interface Dataset {
  id: string;
  title: string;
  description: string;
  keywords: string[];
  /** The organisation that publishes it (its reference); the place as a whole when null. */
  publisher: string | null;
  /** How often it is published, in hours, unless a schedule says otherwise (24: daily). */
  everyHours: number;
  /** A release takes minutes (millions of rows): published beside the other datasets, not before them. */
  long?: boolean;
  columns: Column[];
  /** A JSON document other than an array of the rows (OCDS): its start, each row, its end. */
  json?: {
    start(now: Date): string;
    row(values: Row): string | null;
    end(): string;
    mediaType: string;
    format: string;
  };
  /** Builds a release: each row handed to `context.row`, in order; returns the period it covers. */
  build(context: BuildContext): Promise<{ from: string; to: string }>;
}

/** A dataset of the place as a whole (no one organisation publishes it), daily unless it says otherwise. */
export const placeDataset = (
  dataset: Omit<Dataset, 'publisher' | 'everyHours'> & Partial<Pick<Dataset, 'publisher' | 'everyHours'>>,
): Dataset => ({ publisher: null, everyHours: 24, ...dataset });

/** The two columns that say which organisation a row is about: its reference and its name. */
export const organisationColumns = (which = 'the organisation responsible'): Column[] => [
  { name: 'organisation', description: `The reference of ${which}` },
  { name: 'organisation_name', description: `The name of ${which}` },
];

/** The values of those two columns, from an organisation's id and the names read for a release. */
export function organisationOf(
  organisations: Map<string, { ref: string; name: string }>,
  id: string,
): { organisation: string | null; organisation_name: string | null } {
  const found = organisations.get(id);
  return { organisation: found?.ref ?? null, organisation_name: found?.name ?? null };
}

/** A file of a release as it is written: the bytes go by parts, the size and hash are kept. */
export interface FileSummary {
  format: string;
  mediaType: string;
  byteSize: number;
  sha256: string;
}

const PART_BYTES = 1 << 20;

/** A name as a reference: lower case, words joined by hyphens (a publisher, a supplier, an OCID part). */
export const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; yes/no for booleans. */
function csvField(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
const csvLine = (values: Value[]) => `${values.map(csvField).join(',')}\r\n`;

/**
 * A file written a part (about a megabyte) at a time to `store`, with its size and SHA-256. A
 * part is stored while the next one is made: `add` returns a promise only when a part is full
 * and the one before it has yet to be stored.
 */
export function fileWriter(
  format: string,
  mediaType: string,
  store: (part: number, bytes: Buffer) => Promise<void>,
) {
  const hash = createHash('sha256');
  let size = 0;
  let parts = 0;
  // Text is gathered and turned into bytes a part at a time: far cheaper than line by line.
  let waiting = '';
  let storing: Promise<void> | null = null;
  const flush = async () => {
    if (waiting.length === 0) return;
    const bytes = Buffer.from(waiting, 'utf8');
    waiting = '';
    hash.update(bytes);
    size += bytes.length;
    if (storing) await storing;
    storing = store(parts++, bytes);
    storing.catch(() => {}); // awaited before the next part or at the end; a failure is thrown there
  };
  return {
    add(text: string): Promise<void> | undefined {
      waiting += text;
      if (waiting.length >= PART_BYTES) return flush();
      return undefined;
    },
    async end(): Promise<FileSummary> {
      await flush();
      if (storing) await storing;
      return { format, mediaType, byteSize: size, sha256: hash.digest('hex') };
    },
  };
}

/** Rows of a long release sent to the JSON file's worker at a time, and batches or parts let wait. */
const BATCH_ROWS = 2000;
const WAITING_BATCHES = 4;
const WAITING_PARTS = 2;

/**
 * The JSON file of a long release (an array of its rows), written by a worker thread
 * (json-file-worker.ts) on the other core: each row's values go there in batches, its parts
 * come back and are stored in order. `row` returns a promise when the worker or the storing
 * is behind, so memory stays bounded.
 */
function jsonFileInWorker(
  names: string[],
  start: string,
  store: (part: number, bytes: Buffer) => Promise<void>,
) {
  const worker = new Worker(new URL('./json-file-worker.ts', import.meta.url), {
    workerData: { names, partBytes: PART_BYTES, start },
  });
  let values: Value[] = [];
  let rows = 0;
  let batches = 0; // sent and not yet written
  let parts = 0;
  let unstored = 0;
  let storing: Promise<void> = Promise.resolve();
  let failed: Error | null = null;
  let wake: (() => void) | null = null;
  const wakeUp = () => {
    const waiting = wake;
    wake = null;
    waiting?.();
  };
  let finish: (summary: { size: number; sha256: string }) => void = () => {};
  const summary = new Promise<{ size: number; sha256: string }>((resolve) => {
    finish = resolve;
  });
  const fail = (error: Error) => {
    failed ??= error;
    wakeUp();
  };
  worker.on('message', (message: { part?: Uint8Array; done?: true; size?: number; sha256?: string }) => {
    if (message.part) {
      const { buffer, byteOffset, byteLength } = message.part;
      const bytes = Buffer.from(buffer, byteOffset, byteLength);
      unstored++;
      storing = storing.then(() => store(parts++, bytes));
      storing.then(() => {
        unstored--;
        wakeUp();
      }, fail);
    } else if (message.done) {
      batches--;
      wakeUp();
    } else finish({ size: message.size ?? 0, sha256: message.sha256 ?? '' });
  });
  worker.on('error', fail);
  const send = () => {
    if (values.length === 0) return;
    batches++;
    worker.postMessage({ values });
    values = [];
  };
  const behind = () => batches > WAITING_BATCHES || unstored > WAITING_PARTS;
  const catchUp = async () => {
    while (behind() && !failed) await new Promise<void>((resolve) => (wake = resolve));
    if (failed) throw failed;
  };
  return {
    row(row: Value[]): Promise<void> | undefined {
      for (const value of row) values.push(value);
      if (++rows % BATCH_ROWS !== 0) return undefined;
      send();
      return behind() || failed ? catchUp() : undefined;
    },
    async end(text: string): Promise<{ size: number; sha256: string }> {
      send();
      worker.postMessage({ end: text });
      const done = await Promise.race([
        summary,
        new Promise<never>((_, reject) => worker.once('error', reject)),
      ]);
      await storing;
      if (failed) throw failed;
      return done;
    },
    close: () => worker.terminate(),
  };
}

/**
 * The writers of a dataset's files, fed row by row: a CSV with a header of the columns (a row
 * is written with those columns only, in that order: nothing else can get in), and the JSON.
 */
export function releaseFiles(
  dataset: Dataset,
  now: Date,
  store: (format: string, part: number, bytes: Buffer) => Promise<void>,
) {
  const csv = fileWriter('csv', 'text/csv', (part, bytes) => store('csv', part, bytes));
  const names = dataset.columns.map((c) => c.name);
  // A long release's JSON (an array of its rows) is written on the other core.
  if (dataset.long && !dataset.json) return releaseFilesBeside(names, csv, store);
  const jsonFormat = dataset.json ?? {
    format: 'json',
    mediaType: 'application/json',
    start: () => '[',
    row: (values: Row) => JSON.stringify(values),
    end: () => '\n]\n',
  };
  const json = fileWriter(jsonFormat.format, jsonFormat.mediaType, (part, bytes) =>
    store(jsonFormat.format, part, bytes),
  );
  let rows = 0;
  let items = 0;
  let started = false;
  const start = async () => {
    started = true;
    await csv.add(csvLine(names));
    await json.add(jsonFormat.start(now));
  };
  const row = (values: Row): Promise<void> | undefined => {
    if (!started) return start().then(() => row(values));
    const { cells, line } = allowedCells(names, values);
    const allowed: Row = {};
    for (let i = 0; i < names.length; i++) allowed[names[i] as string] = cells[i] as Value;
    rows++;
    const toCsv = csv.add(line);
    const item = jsonFormat.row(allowed);
    const toJson = item === null ? undefined : json.add(`${items++ > 0 ? ',' : ''}\n${item}`);
    return toCsv || toJson ? Promise.all([toCsv, toJson]).then(() => {}) : undefined;
  };
  return {
    row,
    async end() {
      if (!started) await start();
      await json.add(jsonFormat.end());
      return { rows, files: [await csv.end(), await json.end()] };
    },
    close: async () => {},
  };
}

/**
 * The row's values of the columns a release may hold, in their order (nothing else of the row),
 * and its CSV line: what every format of a release is written from.
 */
function allowedCells(names: string[], values: Row): { cells: Value[]; line: string } {
  const cells: Value[] = [];
  let line = '';
  for (let i = 0; i < names.length; i++) {
    const value = values[names[i] as string] ?? null;
    cells.push(value);
    line += i === 0 ? csvField(value) : `,${csvField(value)}`;
  }
  return { cells, line: `${line}\r\n` };
}

/** `releaseFiles` of a long dataset: the CSV written here, the JSON by a worker thread beside it. */
function releaseFilesBeside(
  names: string[],
  csv: ReturnType<typeof fileWriter>,
  store: (format: string, part: number, bytes: Buffer) => Promise<void>,
) {
  const json = jsonFileInWorker(names, '[', (part, bytes) => store('json', part, bytes));
  let rows = 0;
  let started = false;
  const row = (values: Row): Promise<void> | undefined => {
    if (!started) {
      started = true;
      const header = csv.add(csvLine(names));
      if (header) return header.then(() => row(values));
    }
    const { cells, line } = allowedCells(names, values);
    rows++;
    const toCsv = csv.add(line);
    const toJson = json.row(cells);
    return toCsv || toJson ? Promise.all([toCsv, toJson]).then(() => {}) : undefined;
  };
  return {
    row,
    async end() {
      if (!started) {
        started = true;
        await csv.add(csvLine(names));
      }
      const [written, { size, sha256 }] = await Promise.all([csv.end(), json.end('\n]\n')]);
      const files: FileSummary[] = [
        written,
        { format: 'json', mediaType: 'application/json', byteSize: size, sha256 },
      ];
      return { rows, files };
    },
    close: () => json.close().then(() => {}),
  };
}
