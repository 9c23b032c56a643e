// autocannon through its API, for load.ts: each connection asks for the paths in turn, so that
// the load is a mix of reads, each request from another of many readers (X-Forwarded-For, for a
// server that trusts its proxy), as the public are. Prints autocannon's result as JSON.
import autocannon from 'autocannon';

let reader = 0;
const [url, duration, paths] = process.argv.slice(2) as [string, string, string];
const result = await autocannon({
  url,
  connections: 50,
  duration: Number(duration),
  requests: (JSON.parse(paths) as string[]).map((path) => ({
    method: 'GET' as const,
    path,
    setupRequest: (request: autocannon.Request) => ({
      ...request,
      headers: { ...request.headers, 'x-forwarded-for': `10.${reader++ % 250}.${reader % 199}.7` },
    }),
  })),
});
process.stdout.write(JSON.stringify(result));
