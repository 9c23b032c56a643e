// Checks ranges of the ledger's hash chain on a worker thread, reading them from PostgreSQL
// itself: each link is SHA-256(previous stored hash || body) against the stored hash, so
// ranges can be checked in parallel. Returns the first failure and every entry's Merkle leaf.
import { hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';

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
  leaves: ArrayBuffer;
}

export interface PageTask {
  previous: string;
  bodies: string[];
  hashes: string[];
}

const GENESIS = Buffer.alloc(32);

/** Checks consecutive entries that follow `previous`; returns the first bad index (or -1) and the leaves. */
export function checkPage(task: PageTask): { firstBad: number; leaves: ArrayBuffer } {
  const leaves = Buffer.alloc(32 * task.hashes.length);
  // Reused for every entry, so that checking makes no garbage but the digests: `link` holds the
  // previous hash and then the body, `leaf` the leaf prefix and then the entry's stored hash.
  // Digests are asked for as strings: a Buffer digest costs three times as much (Node 24).
  let link = Buffer.allocUnsafe(4096);
  const leaf = Buffer.alloc(33);
  link.write(task.previous, 0, 'base64');
  let firstBad = -1;
  for (let i = 0; i < task.bodies.length; i++) {
    const body = task.bodies[i] as string;
    const stored = task.hashes[i] as string;
    // A UTF-16 code unit never takes more than three bytes of UTF-8.
    if (link.length < 32 + 3 * body.length)
      link = Buffer.concat([link.subarray(0, 32)], 32 + 3 * body.length);
    const length = link.write(body, 32);
    if (firstBad < 0 && hash('sha256', link.subarray(0, 32 + length), 'base64') !== stored) firstBad = i;
    leaf.write(stored, 1, 'base64');
    leaves.write(hash('sha256', leaf, 'latin1'), 32 * i, 'latin1');
    leaf.copy(link, 0, 1, 33);
  }
  return {
    firstBad,
    leaves: leaves.buffer.slice(leaves.byteOffset, leaves.byteOffset + leaves.length) as ArrayBuffer,
  };
}

// The columns read beside the body (by the break-glass queue, "Your data", unusual access) must
// say what the hashed body says: `fits` is false where someone changed one of them. Checked here,
// in the worker: parsing each body as JSON in PostgreSQL costs several times the rest of verify.
// Each entry comes as one text, its columns joined by a control character (one the body, JSON,
// holds only escaped) and the body last: the driver reads one value a row instead of nine, which
// halves its part of verify. A null column comes as an empty text (no uuid or decision is one).
const SEPARATOR = '\x01';
const rangeQuery = `SELECT concat_ws(E'\\x01', seq, encode(hash, 'base64'),
    coalesce(actor_account_id::text, ''), coalesce(subject_account_id::text, ''),
    coalesce(decision, ''), break_glass, (extract(epoch FROM at) * 1000000)::bigint, action, body)
  FROM audit_ledger WHERE seq BETWEEN $1 AND $2 ORDER BY seq`;

type Row = {
  seq: string;
  body: string;
  hash: string;
  action: string | null;
  actor: string | null;
  subject: string | null;
  decision: string | null;
  break_glass: boolean;
  /** Microseconds since 1970, exactly. */
  at_us: string;
};

/** An entry's row from its joined text: the columns before the action, then the action, then the body. */
function rowOf(text: string): Row {
  const ends: number[] = [];
  let at = -1;
  for (let i = 0; i < 8; i++) {
    at = text.indexOf(SEPARATOR, at + 1);
    ends.push(at);
  }
  const field = (i: number) => text.slice(i === 0 ? 0 : (ends[i - 1] as number) + 1, ends[i]);
  const orNull = (value: string) => (value === '' ? null : value);
  return {
    seq: field(0),
    hash: field(1),
    actor: orNull(field(2)),
    subject: orNull(field(3)),
    decision: orNull(field(4)),
    break_glass: field(5) === 't',
    at_us: field(6),
    action: field(7),
    body: text.slice((ends[7] as number) + 1),
  };
}

const same = (column: string | null, value: unknown) => column === (value ?? null);

// A body as the ledger writes it (canonical JSON, members sorted by key) read without parsing it:
// the members the columns are checked against, each a string without escapes, null, or a boolean.
// Anchored at both ends and never crossing a bracket it does not match, so each member it finds
// is one of the body's own, not one inside `detail` or `resource`. A body it does not match (one
// member with an escape, say) is parsed.
const STRING = '"[^"\\\\]*"';
const FLAT = `(?:null|${STRING})`;
const CANONICAL = new RegExp(
  `^\\{(?:"actingFor":${FLAT},)?"action":(${FLAT}),"actor":(?:null|\\{"account":(${FLAT})(?:,${STRING}:(?:${FLAT}|true|false))*\\})` +
    `(?:,"agreement":${FLAT})?,"at":"([^"\\\\]*)"(?:,"breakGlass":(true|false))?(?:,"decision":(${FLAT}))?` +
    `,.*,"subject":(${FLAT})\\}$`,
);

/** The value of a member as the pattern found it: a string's text, or null. */
const flat = (text: string | undefined) => (text === undefined || text === 'null' ? null : text.slice(1, -1));

/** Whether the row's columns say what its body says; a body that is not JSON never fits. */
export function fits(row: Row): boolean {
  const m = CANONICAL.exec(row.body);
  if (m)
    return (
      row.action === flat(m[1]) &&
      row.actor === flat(m[2]) &&
      row.subject === flat(m[6]) &&
      row.decision === flat(m[5]) &&
      row.break_glass === (m[4] === 'true') &&
      row.at_us === String(Date.parse(m[3] as string) * 1000)
    );
  let b: {
    action?: unknown;
    actor?: { account?: unknown } | null;
    subject?: unknown;
    decision?: unknown;
    breakGlass?: unknown;
    at?: unknown;
  };
  try {
    b = JSON.parse(row.body);
  } catch {
    return false;
  }
  if (!b || typeof b !== 'object') return false;
  return (
    same(row.action, b.action) &&
    same(row.actor, b.actor?.account) &&
    same(row.subject, b.subject) &&
    same(row.decision, b.decision) &&
    row.break_glass === (b.breakGlass === true) &&
    typeof b.at === 'string' &&
    row.at_us === String(Date.parse(b.at) * 1000)
  );
}

async function readRange(client: pg.Client, task: RangeTask): Promise<Row[]> {
  const { rows } = await client.query<[string]>({
    text: rangeQuery,
    values: [task.first - 1, task.last],
    rowMode: 'array',
  });
  return rows.map((r) => rowOf(r[0]));
}

async function checkRange(client: pg.Client, task: RangeTask): Promise<RangeResult> {
  const rows = await readRange(client, task);
  let previous = GENESIS.toString('base64');
  if (task.first > 1) {
    const before = rows.shift();
    if (!before || Number(before.seq) !== task.first - 1) {
      return {
        id: task.id,
        failure: { seq: task.first - 1, reason: `entry ${task.first - 1} is missing` },
        leaves: new ArrayBuffer(0),
      };
    }
    previous = before.hash;
  }
  const gap = rows.findIndex((row, i) => Number(row.seq) !== task.first + i);
  const count = gap >= 0 ? gap : Math.min(rows.length, task.last - task.first + 1);
  const page = checkPage({
    previous,
    bodies: rows.slice(0, count).map((r) => r.body),
    hashes: rows.slice(0, count).map((r) => r.hash),
  });
  let failure: RangeResult['failure'] = null;
  const unfit = rows.slice(0, count).findIndex((row) => !fits(row));
  if (page.firstBad >= 0 && (unfit < 0 || page.firstBad <= unfit))
    failure = {
      seq: task.first + page.firstBad,
      reason: `entry ${task.first + page.firstBad} does not match its hash`,
    };
  else if (unfit >= 0)
    failure = {
      seq: task.first + unfit,
      reason: `entry ${task.first + unfit} has columns that differ from its hashed body`,
    };
  else if (count < task.last - task.first + 1)
    failure = { seq: task.first + count, reason: `entry ${task.first + count} is missing` };
  return { id: task.id, failure, leaves: page.leaves };
}

if (parentPort && workerData?.connectionString) {
  const port = parentPort;
  const client = new pg.Client({ connectionString: workerData.connectionString as string });
  // Ranges are read in order along the primary key: never a bitmap scan and a sort, which the
  // planner picks when the ledger has grown since its statistics were taken.
  const ready = client.connect().then(() => client.query('SET enable_bitmapscan = off'));
  port.on('message', async (task: RangeTask | 'close') => {
    if (task === 'close') {
      await client.end().catch(() => {});
      port.close();
      return;
    }
    await ready;
    const result = await checkRange(client, task);
    port.postMessage(result, [result.leaves]);
  });
}
