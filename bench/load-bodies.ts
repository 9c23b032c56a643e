// autocannon through its API, for load.ts: each request takes the next of the bodies in a file, so
// that every request is a different one. Prints autocannon's result as JSON, as its --json does.
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';

const [url, duration, file, from, contentType] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const bodies = JSON.parse(await readFile(file, 'utf8')) as string[];
let next = Number(from);
const result = await autocannon({
  url,
  connections: 50,
  duration: Number(duration),
  method: 'POST',
  headers: { 'content-type': contentType },
  requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
});
process.stdout.write(JSON.stringify(result));
