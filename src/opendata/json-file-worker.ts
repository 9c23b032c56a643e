// A worker thread that writes the JSON file of a long release (an array of its rows, as
// JSON.stringify would write each row), so that it is made on the other core while the main
// thread reads the rows and writes the CSV. The rows come in batches of their values, flattened;
// the file goes back a part (about a megabyte) at a time, then its size and SHA-256.
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const { names, partBytes, start } = workerData as { names: string[]; partBytes: number; start: string };
const port = parentPort;
if (!port) throw new Error('json-file-worker.ts runs as a worker thread');

// The keys in the order JSON.stringify writes an object's keys (integer-like ones first).
const order = Object.keys(Object.fromEntries(names.map((n) => [n, null])));
const at = order.map((n) => names.indexOf(n));
const keys = order.map((n, i) => `${i === 0 ? '{' : ','}${JSON.stringify(n)}:`);
const width = names.length;

const hash = createHash('sha256');
let size = 0;
let items = 0;
let waiting = start;

function flush() {
  if (waiting.length === 0) return;
  const bytes = Buffer.from(waiting, 'utf8');
  waiting = '';
  hash.update(bytes);
  size += bytes.length;
  port?.postMessage({ part: bytes });
}

port.on('message', (message: { values: unknown[] } | { end: string }) => {
  if ('end' in message) {
    waiting += message.end;
    flush();
    port.postMessage({ size, sha256: hash.digest('hex') });
    return;
  }
  const { values } = message;
  for (let r = 0; r < values.length; r += width) {
    let item = items++ > 0 ? ',\n' : '\n';
    for (let i = 0; i < width; i++) item += keys[i] + JSON.stringify(values[r + (at[i] as number)] ?? null);
    waiting += `${item}}`;
    if (waiting.length >= partBytes) flush();
  }
  port.postMessage({ done: true });
});
