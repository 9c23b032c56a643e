// Checks ranges of the ledger's hash chain on a worker thread, reading them from PostgreSQL
// itself: each link is SHA-256(previous stored hash || body) against the stored hash, so ranges
// can be checked in parallel. Returns the first failure, and every entry's Merkle leaf with the
// roots of the subtrees the range holds, so that the tree is joined without hashing it again.
import { hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { fits, surelyFits } from './columns-fit.ts';
import {
  BODY,
  COLUMNS,
  CopyOut,
  type CopyRows,
  copyRows,
  FIELDS,
  HASH,
  rowOf,
  seqOf,
} from './ledger-copy.ts';
import { copy32, isDigest, putDigest, SubtreeRoots } from './merkle.ts';

export interface RangeTask {
  id: number;
  /** First and last entry of the range. */
  first: number;
  last: number;
}

export interface RangeResult {
  id: number;
  /** The first entry that is missing or does not match its hash, if any. */
  failure: { seq: number; reason: string } | null;
  /** Leaves from the range's first entry on, and the roots of the subtrees among them (SubtreeRoots). */
  count: number;
  roots: ArrayBuffer;
  /** Set when the range could not be read at all: verify stops with this error. */
  error?: string;
}

const GENESIS: Buffer = Buffer.alloc(32);

/**
 * Checks rows `from` to `to` - 1 of a COPY, consecutive entries that follow the stored hash
 * `previous`: writes every row's Merkle leaf into `leaves` and returns the first whose hash does
 * not follow (or -1).
 */
export function checkLinks(
  rows: CopyRows,
  from: number,
  to: number,
  previous: Buffer,
  leaves: Buffer,
): number {
  const { bytes, starts, lengths } = rows;
  // Reused for every entry, so that checking makes no garbage but the digests: `link` holds the
  // previous hash and then the body, `leaf` the leaf prefix and then the entry's stored hash.
  // Digests are asked for as latin1 strings (a Buffer digest costs twice as much in Node 24) and
  // read and written a byte at a time: for 32 bytes, cheaper than a Buffer call.
  // The views of `link` hashed, one a length of body, are kept too: bodies have few lengths.
  let link = Buffer.allocUnsafe(4096);
  let views = new Map<number, Buffer>();
  const leaf = Buffer.alloc(33);
  copy32(previous, 0, link, 0);
  let firstBad = -1;
  for (let row = from; row < to; row++) {
    const base = FIELDS * row;
    const body = starts[base + BODY] as number;
    const length = Math.max(lengths[base + BODY] as number, 0);
    if (link.length < 32 + length) {
      link = Buffer.concat([link.subarray(0, 32)], 32 + 2 * length);
      views = new Map();
    }
    bytes.copy(link, 32, body, body + length);
    // A stored hash is 32 bytes (the table says so); one of another length never matches.
    const stored = starts[base + HASH] as number;
    if (firstBad < 0) {
      let view = views.get(length);
      if (!view) {
        view = link.subarray(0, 32 + length);
        views.set(length, view);
      }
      const digest = hash('sha256', view, 'latin1');
      if (!isDigest(digest, bytes, stored, lengths[base + HASH] as number)) firstBad = row - from;
    }
    copy32(bytes, stored, leaf, 1);
    putDigest(hash('sha256', leaf, 'latin1'), leaves, 32 * (row - from));
    copy32(bytes, stored, link, 0);
  }
  return firstBad;
}

/** Checks a range read as binary COPY: the entry before it (for its hash), then the range's own. */
export function checkRange(task: RangeTask, bytes: Buffer): RangeResult {
  const rows = copyRows(bytes);
  let previous = GENESIS;
  let from = 0;
  const missing = (seq: number): RangeResult => ({
    id: task.id,
    failure: { seq, reason: `entry ${seq} is missing` },
    count: 0,
    roots: new ArrayBuffer(0),
  });
  if (task.first > 1) {
    if (rows.count === 0 || seqOf(rows, 0) !== task.first - 1) return missing(task.first - 1);
    const stored = rows.starts[HASH] as number;
    previous = bytes.subarray(stored, stored + Math.max(rows.lengths[HASH] as number, 0));
    from = 1;
  }
  let count = 0;
  const wanted = task.last - task.first + 1;
  while (count < wanted && from + count < rows.count && seqOf(rows, from + count) === task.first + count)
    count++;
  const hashes = SubtreeRoots.room(task.first - 1, count);
  const firstBad = checkLinks(rows, from, from + count, previous, hashes);
  let unfit = -1;
  for (let i = 0; i < count; i++)
    if (!surelyFits(rows, from + i) && !fits(rowOf(rows, from + i))) {
      unfit = i;
      break;
    }
  let failure: RangeResult['failure'] = null;
  if (firstBad >= 0 && (unfit < 0 || firstBad <= unfit))
    failure = {
      seq: task.first + firstBad,
      reason: `entry ${task.first + firstBad} does not match its hash`,
    };
  else if (unfit >= 0)
    failure = {
      seq: task.first + unfit,
      reason: `entry ${task.first + unfit} has columns that differ from its hashed body`,
    };
  else if (count < wanted)
    failure = { seq: task.first + count, reason: `entry ${task.first + count} is missing` };
  const roots = SubtreeRoots.over(hashes, task.first - 1, count).hashes;
  // Sent to the main thread without a copy when the buffer is its own (as one this size is).
  const own = roots.byteOffset === 0 && roots.buffer.byteLength === roots.length;
  return {
    id: task.id,
    failure,
    count,
    roots: (own
      ? roots.buffer
      : roots.buffer.slice(roots.byteOffset, roots.byteOffset + roots.length)) as ArrayBuffer,
  };
}

/** The bytes of the entries `first - 1` to `last`, as binary COPY. */
function readRange(client: pg.Client, task: RangeTask, lend: () => Buffer): CopyOut {
  if (!Number.isSafeInteger(task.first) || !Number.isSafeInteger(task.last)) throw new Error('not a range');
  const copy = new CopyOut(
    `COPY (SELECT ${COLUMNS} FROM audit_ledger WHERE seq BETWEEN ${task.first - 1} AND ${task.last} ORDER BY seq)
      TO STDOUT (FORMAT binary)`,
    lend,
  );
  client.query(copy);
  return copy;
}

/**
 * Reads and checks ranges with a connection of its own, one at a time in the order asked: on the
 * worker thread, and on the main thread beside it, so that both cores check.
 */
export function rangeChecker(connectionString: string) {
  const client = new pg.Client({ connectionString });
  // Ranges are read in order along the primary key: never a bitmap scan and a sort, which the
  // planner picks when the ledger has grown since its statistics were taken.
  const ready = client.connect().then(() => client.query('SET enable_bitmapscan = off'));
  // One buffer of a few megabytes, lent to the range being read and given back once it is
  // checked (the next is read only then): a new one for every range kept the collector busy.
  let spare: Buffer | null = null;
  const lend = () => {
    const buffer = spare ?? Buffer.allocUnsafe(4 << 20);
    spare = null;
    return buffer;
  };
  // Ranges asked for while one is read wait here, and the next is sent as soon as the last has
  // come in: the database reads it while this thread checks the last, and the connection is
  // never asked a second query while one is under way (which the driver will refuse).
  const waiting: { task: RangeTask; settle: (read: Promise<CopyOut>) => void }[] = [];
  let reading = false;
  const readNext = () => {
    if (reading) return;
    const next = waiting.shift();
    if (!next) return;
    reading = true;
    const read = new Promise<CopyOut>((resolve) => resolve(readRange(client, next.task, lend))).then((copy) =>
      copy.done.then(() => copy),
    );
    read
      .catch(() => {})
      .then(() => {
        reading = false;
        readNext();
      });
    next.settle(read);
  };
  const read = async (task: RangeTask): Promise<CopyOut> => {
    await ready;
    const queued = new Promise<CopyOut>((settle) => waiting.push({ task, settle }));
    readNext();
    return queued;
  };
  return {
    /** Settles once connected. */
    ready,
    async check(task: RangeTask): Promise<RangeResult> {
      try {
        const copy = await read(task);
        const result = checkRange(task, await copy.done);
        spare = copy.buffer;
        return result;
      } catch (error) {
        return { id: task.id, failure: null, count: 0, roots: new ArrayBuffer(0), error: String(error) };
      }
    },
    close: () => ready.then(() => client.end()).catch(() => {}),
  };
}

if (parentPort && workerData?.connectionString) {
  const port = parentPort;
  const checker = rangeChecker(workerData.connectionString as string);
  // Until it says it is ready, the main thread checks every range itself.
  checker.ready.then(() => port.postMessage('ready')).catch(() => {});
  // The pool ends the worker when verify is done (its connection goes with it).
  port.on('message', async (task: RangeTask) => {
    const result = await checker.check(task);
    port.postMessage(result, [result.roots]);
  });
}
