// autocannon through its API, for load.ts: each connection asks for the paths in turn, so that
// the load is a mix of reads. Prints autocannon's result as JSON, as its --json does.
import autocannon from 'autocannon';

const [url, duration, paths] = process.argv.slice(2) as [string, string, string];
const result = await autocannon({
  url,
  connections: 50,
  duration: Number(duration),
  requests: (JSON.parse(paths) as string[]).map((path) => ({ method: 'GET' as const, path })),
});
process.stdout.write(JSON.stringify(result));
