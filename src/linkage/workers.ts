// Comparing pairs on every core. The record columns and the pair lists live in shared memory,
// so a worker thread receives them once without copying and writes its pairs' levels straight
// into shared memory; the main thread only hands out ranges of pairs and counts progress.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { RecordColumns } from './columns.ts';
import { COMPARISONS, compareRange } from './compare.ts';

/** pairs [from, to) compared, their levels written from `levels[at * width]` on */
type Job = { a: Int32Array; b: Int32Array; levels: Uint8Array; from: number; to: number; at: number };

const CHUNK = 32_768;

/** a run of compared pairs: pair k's levels at `levels[(k - from) * COMPARISONS.length + c]` */
export type ComparedChunk = (levels: Uint8Array, from: number, to: number) => void;

export type ComparePool = {
  /** levels of each pair, `COMPARISONS.length` bytes per pair */
  compare(
    a: Int32Array,
    b: Int32Array,
    count: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Uint8Array>;
  /**
   * The same, but each run of pairs' levels handed to `onChunk` as it is done (runs in any
   * order) instead of kept: memory for the levels of a few runs, however many pairs there are.
   */
  stream(
    a: Int32Array,
    b: Int32Array,
    count: number,
    onChunk: ComparedChunk,
    onProgress?: (done: number, total: number) => void,
  ): Promise<void>;
  close(): Promise<void>;
};

const sharedBytes = (length: number) => new Uint8Array(new SharedArrayBuffer(Math.max(1, length)));

/**
 * Worker threads that compare pairs of the given records; with `threads` 0 the pairs are
 * compared on the calling thread. The columns are handed to each worker once.
 */
export function comparePool(columns: RecordColumns, threads: number): ComparePool {
  const width = COMPARISONS.length;
  let pool: Worker[] | undefined;
  const workers = () => {
    pool ??= Array.from(
      { length: threads },
      () => new Worker(new URL(import.meta.url), { workerData: { linkageColumns: columns } }),
    );
    return pool;
  };

  /** runs of pairs handed out to the workers; `levelsFor` says where a run's levels go */
  async function run(
    a: Int32Array,
    b: Int32Array,
    count: number,
    levelsFor: (worker: number, from: number) => { levels: Uint8Array; at: number },
    finished: (worker: number, from: number, to: number) => void,
    onProgress?: (done: number, total: number) => void,
  ): Promise<void> {
    if (threads <= 0 || count < CHUNK * 2) {
      for (let from = 0; from < count; from += CHUNK) {
        const to = Math.min(count, from + CHUNK);
        const { levels, at } = levelsFor(0, from);
        compareRange(columns, a, b, levels, from, to, at);
        finished(0, from, to);
        onProgress?.(to, count);
      }
      return;
    }
    let next = 0;
    let done = 0;
    await Promise.all(
      workers().map(
        (worker, w) =>
          new Promise<void>((resolve, reject) => {
            let from = 0;
            const give = () => {
              if (next >= count) {
                worker.off('message', whenDone);
                worker.off('error', reject);
                resolve();
                return;
              }
              from = next;
              const to = Math.min(count, from + CHUNK);
              next = to;
              worker.postMessage({ a, b, ...levelsFor(w, from), from, to } satisfies Job);
            };
            const whenDone = (pairs: number) => {
              finished(w, from, from + pairs);
              done += pairs;
              onProgress?.(done, count);
              give();
            };
            worker.on('message', whenDone);
            worker.on('error', reject);
            give();
          }),
      ),
    );
  }

  return {
    async compare(a, b, count, onProgress) {
      const levels = sharedBytes(count * width);
      await run(
        a,
        b,
        count,
        (_, from) => ({ levels, at: from }),
        () => {},
        onProgress,
      );
      return levels;
    },
    async stream(a, b, count, onChunk, onProgress) {
      // one buffer a worker, read before the worker is given its next run
      const buffers = Array.from({ length: Math.max(1, threads) }, () => sharedBytes(CHUNK * width));
      await run(
        a,
        b,
        count,
        (w) => ({ levels: buffers[w] as Uint8Array, at: 0 }),
        (w, from, to) => onChunk((buffers[w] as Uint8Array).subarray(0, (to - from) * width), from, to),
        onProgress,
      );
    },
    async close() {
      if (pool) await Promise.all(pool.map((worker) => worker.terminate()));
      pool = undefined;
    },
  };
}

if (!isMainThread && workerData?.linkageColumns && parentPort) {
  const columns = workerData.linkageColumns as RecordColumns;
  const port = parentPort;
  port.on('message', (job: Job) => {
    compareRange(columns, job.a, job.b, job.levels, job.from, job.to, job.at);
    port.postMessage(job.to - job.from);
  });
}
