// Checks the hash chain of one page of ledger entries on a worker thread: each link is
// SHA-256(previous stored hash || body) against the stored hash, so pages can be checked in
// parallel. Returns the first failing index and the Merkle leaf of every entry.
import { hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

export interface PageTask {
  id: number;
  previous: string;
  bodies: string[];
  hashes: string[];
}

export interface PageResult {
  id: number;
  firstBad: number;
  leaves: ArrayBuffer;
}

const LEAF = Buffer.from([0]);

export function checkPage(task: PageTask): PageResult {
  const leaves = Buffer.alloc(32 * task.hashes.length);
  let previous = Buffer.from(task.previous, 'base64');
  let firstBad = -1;
  for (let i = 0; i < task.bodies.length; i++) {
    const stored = Buffer.from(task.hashes[i] as string, 'base64');
    const computed = hash(
      'sha256',
      Buffer.concat([previous, Buffer.from(task.bodies[i] as string)]),
      'buffer',
    ) as Buffer;
    if (firstBad < 0 && !computed.equals(stored)) firstBad = i;
    (hash('sha256', Buffer.concat([LEAF, stored]), 'buffer') as Buffer).copy(leaves, 32 * i);
    previous = stored;
  }
  return {
    id: task.id,
    firstBad,
    leaves: leaves.buffer.slice(leaves.byteOffset, leaves.byteOffset + leaves.length) as ArrayBuffer,
  };
}

parentPort?.on('message', (task: PageTask) => {
  const result = checkPage(task);
  parentPort?.postMessage(result, [result.leaves]);
});
