// Comparing pairs on every core. The record columns and the pair lists live in shared memory,
// so a worker thread receives them once without copying and writes its pairs' levels straight
// into a shared result; the main thread only hands out ranges of pairs and counts progress.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { RecordColumns } from './columns.ts';
import { COMPARISONS, compareRange } from './compare.ts';

type Job = { a: Int32Array; b: Int32Array; levels: Uint8Array; from: number; to: number };

const CHUNK = 32_768;

export type ComparePool = {
  /** levels of each pair, `COMPARISONS.length` bytes per pair */
  compare(
    a: Int32Array,
    b: Int32Array,
    count: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Uint8Array>;
  close(): Promise<void>;
};

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
  return {
    async compare(a, b, count, onProgress) {
      const levels = new Uint8Array(new SharedArrayBuffer(Math.max(1, count * width)));
      if (threads <= 0 || count < CHUNK * 2) {
        for (let from = 0; from < count; from += CHUNK) {
          const to = Math.min(count, from + CHUNK);
          compareRange(columns, a, b, levels, from, to);
          onProgress?.(to, count);
        }
        return levels;
      }
      let next = 0;
      let done = 0;
      await Promise.all(
        workers().map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              const give = () => {
                if (next >= count) {
                  worker.off('message', finished);
                  worker.off('error', reject);
                  resolve();
                  return;
                }
                const from = next;
                const to = Math.min(count, from + CHUNK);
                next = to;
                worker.postMessage({ a, b, levels, from, to } satisfies Job);
              };
              const finished = (pairs: number) => {
                done += pairs;
                onProgress?.(done, count);
                give();
              };
              worker.on('message', finished);
              worker.on('error', reject);
              give();
            }),
        ),
      );
      return levels;
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
    compareRange(columns, job.a, job.b, job.levels, job.from, job.to);
    port.postMessage(job.to - job.from);
  });
}
