// Checking the chain: ranges of entries are read and checked on both cores (a worker thread and this one),
// and the subtrees they make of their leaves are joined into the Merkle tree here, in order, each
// checkpoint checked (tree head and signature) as soon as the tree reaches its size.
import { createPublicKey, verify } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CompactRange, SubtreeRoots } from './merkle.ts';
import { type RangeResult, type RangeTask, rangeChecker } from './verify-worker.ts';

export const checkpointMessage = (size: number, root: Buffer) =>
  Buffer.from(`flagstone-ledger-checkpoint\n${size}\n${root.toString('hex')}\n`);

export interface VerifyResult {
  ok: boolean;
  entries: number;
  /** Entries checked by this run: all of them, or those after the state it resumed from. */
  checked?: number;
  checkpoints: number;
  /** Tree heads kept outside the database that were checked too. */
  outside?: number;
  /** Witnesses' co-signatures of those heads that were checked against the witnesses' keys. */
  cosignatures?: number;
  /** The first entry or checkpoint that does not fit, and why. */
  failure?: { seq: number; reason: string };
  /** Where a later run may resume from, when the whole ledger so far fits. */
  state?: VerifiedState;
}

/**
 * What a verify found, kept outside the database so that the next one checks only what came
 * after: the number of entries, their tree head, the tree's frontier and the last entry's hash.
 */
export interface VerifiedState {
  size: number;
  root: string;
  frontier: string[];
  lastHash: string;
}

/**
 * Reads and checks ranges of the chain on both cores: a worker thread, and this thread between
 * joining results (a second worker would cost its start, a tenth of a second, for a core this
 * thread leaves idle). Each range goes to whichever has fewer waiting, and to this thread alone
 * until the worker has started and connected.
 */
export function verifierPool(connectionString: string) {
  // The worker keeps its modules, types stripped and compiled, in Node's compile cache (its
  // default folder unless NODE_COMPILE_CACHE names another): it is ready in half the time, and
  // checks ranges sooner.
  const worker = new Worker(new URL('./verify-worker.ts', import.meta.url), {
    workerData: { connectionString },
    env: {
      ...process.env,
      NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? path.join(tmpdir(), 'node-compile-cache'),
    },
  });
  const here = rangeChecker(connectionString);
  const waiting = new Map<
    number,
    { resolve: (result: RangeResult) => void; reject: (error: Error) => void }
  >();
  let failed: Error | null = null;
  let started = false;
  worker.on('message', (result: RangeResult | 'ready') => {
    if (result === 'ready') {
      started = true;
      return;
    }
    const w = waiting.get(result.id);
    waiting.delete(result.id);
    if (result.error) w?.reject(new Error(result.error));
    else w?.resolve(result);
  });
  worker.on('error', (error: Error) => {
    failed = error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  });
  let hereWaiting = 0;
  const onWorker = (task: RangeTask) =>
    new Promise<RangeResult>((resolve, reject) => {
      if (failed) return reject(failed);
      waiting.set(task.id, { resolve, reject });
      worker.postMessage(task);
    });
  const onHere = async (task: RangeTask) => {
    hereWaiting++;
    try {
      const result = await here.check(task);
      if (result.error) throw new Error(result.error);
      return result;
    } finally {
      hereWaiting--;
    }
  };
  return {
    check: (task: RangeTask) => (started && waiting.size <= hereWaiting ? onWorker(task) : onHere(task)),
    close: async () => {
      await Promise.all([worker.terminate(), here.close()]);
    },
  };
}

export interface CheckpointRow {
  tree_size: string;
  root_hash: Buffer;
  key_id: string;
  signature: Buffer;
  public_key: string | null;
  /** Set for a tree head kept outside the database (a file, a witness), not read from it. */
  kept?: 'outside';
}

/**
 * The tree rebuilt leaf by leaf in the order of the chain, each checkpoint checked (tree head and
 * signature) as soon as the tree reaches its size.
 */
export function rebuiltTree(checkpoints: CheckpointRow[], from?: VerifiedState) {
  const publicKeys = new Map<string, ReturnType<typeof createPublicKey>>();
  let nextCheckpoint = 0;
  const range = from
    ? CompactRange.from(
        from.size,
        from.frontier.map((h) => Buffer.from(h, 'hex')),
      )
    : new CompactRange();
  let expected = range.size + 1;
  let lastLeaf: Buffer | null = null;
  const fail = (seq: number, reason: string): VerifyResult => ({
    ok: false,
    entries: expected - 1,
    checkpoints: nextCheckpoint,
    failure: { seq, reason },
  });
  const checkCheckpoints = (): VerifyResult | null => {
    while (
      nextCheckpoint < checkpoints.length &&
      Number(checkpoints[nextCheckpoint]?.tree_size) === range.size
    ) {
      const c = checkpoints[nextCheckpoint++] as CheckpointRow;
      const root = range.root();
      const what = `${c.kept ? 'the tree head kept outside the database' : 'checkpoint'} at ${range.size}`;
      if (!root.equals(c.root_hash)) return fail(range.size, `${what} has a different tree head`);
      if (!c.public_key) return fail(range.size, `${what} is signed by unknown key ${c.key_id}`);
      const key = publicKeys.get(c.public_key) ?? createPublicKey(c.public_key);
      publicKeys.set(c.public_key, key);
      if (!verify(null, checkpointMessage(range.size, root), key, c.signature)) {
        return fail(range.size, `${what} has a bad signature`);
      }
    }
    return null;
  };
  return {
    /** The number of the next entry to add. */
    get expected() {
      return expected;
    },
    fail,
    /**
     * Adds the entries of a range up to `upTo` leaves from its subtrees, stopping at each
     * checkpoint on the way to check it; the failure when one does not fit.
     */
    extend(roots: SubtreeRoots, upTo: number): VerifyResult | null {
      while (range.size < upTo) {
        const next = Number(checkpoints[nextCheckpoint]?.tree_size ?? upTo);
        roots.extend(range, next > range.size && next < upTo ? next : upTo);
        lastLeaf = roots.leaf(range.size - 1);
        expected = range.size + 1;
        const bad = checkCheckpoints();
        if (bad) return bad;
      }
      return null;
    },
    /** The leaf of the last entry added (null when none was added). */
    get lastLeaf() {
      return lastLeaf;
    },
    /** The state to resume from, the last entry's stored hash given. */
    state(lastHash: Buffer): VerifiedState {
      return {
        size: range.size,
        root: range.root().toString('hex'),
        frontier: range.frontier().map((h) => h.toString('hex')),
        lastHash: lastHash.toString('hex'),
      };
    },
    /** Once every entry is in: a checkpoint not yet reached covers entries that are missing. */
    finish(): VerifyResult {
      const c = checkpoints[nextCheckpoint];
      if (c) {
        const what = c.kept ? 'the tree head kept outside the database' : 'checkpoint';
        return fail(expected, `${what} at ${c.tree_size} covers entries that are missing`);
      }
      const outside = checkpoints.filter((c) => c.kept).length;
      return {
        ok: true,
        entries: expected - 1,
        checked: expected - 1 - (from?.size ?? 0),
        checkpoints: checkpoints.length - outside,
        outside,
      };
    },
  };
}

/** Entries a range: a power of two, ranges starting at its multiples, so that its subtrees are the tree's. */
const RANGE = 4096;

/** Hands the ranges of the entries after the tree's to max to the checkers, eight at a time, and joins their subtrees in order. */
export async function checkRanges(
  pool: ReturnType<typeof verifierPool>,
  max: number,
  tree: ReturnType<typeof rebuiltTree>,
  onProgress?: (done: number) => void,
): Promise<VerifyResult | null> {
  const inFlight: Promise<RangeResult>[] = [];
  let nextFirst = tree.expected;
  const schedule = () => {
    while (inFlight.length < 8 && nextFirst <= max) {
      const first = nextFirst;
      const last = Math.min(max, (Math.floor((first - 1) / RANGE) + 1) * RANGE);
      inFlight.push(pool.check({ id: first, first, last }));
      nextFirst = last + 1;
    }
  };
  schedule();
  try {
    while (inFlight.length > 0) {
      const result = await (inFlight.shift() as Promise<RangeResult>);
      schedule();
      const start = tree.expected - 1;
      const roots = SubtreeRoots.from(Buffer.from(result.roots), start, result.count);
      const good = result.failure ? result.failure.seq - tree.expected : result.count;
      const bad = tree.extend(roots, start + good);
      if (bad) return bad;
      if (result.failure) return tree.fail(result.failure.seq, result.failure.reason);
      onProgress?.(tree.expected - 1);
    }
  } finally {
    // Ranges still being read once a failure is found end with the pool: nobody waits for them.
    for (const left of inFlight) left.catch(() => {});
  }
  return null;
}
