// autocannon through its API, for open311-list.ts: GETs from 50 connections, each request from
// a client of its own (X-Forwarded-For differs every time). Prints the result as --json does.
import autocannon from 'autocannon';

const [url, duration] = process.argv.slice(2) as [string, string];
let next = 0;
const result = await autocannon({
  url,
  connections: 50,
  duration: Number(duration),
  requests: [
    {
      setupRequest: (request) => {
        next++;
        return {
          ...request,
          headers: {
            ...request.headers,
            'x-forwarded-for': `10.${(next >> 16) & 255}.${(next >> 8) & 255}.${next & 255}`,
          },
        };
      },
    },
  ],
});
process.stdout.write(JSON.stringify(result));
