import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The ports the kernel gives to outgoing connections (Linux's default where it cannot be read).
 * A port found free among them can be taken by any connection before the server that wanted it
 * listens, which test files running side by side make likely; so free ports are chosen below.
 */
function ephemeralPorts(): { low: number } {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return { low: Number(low) || 32768 };
  } catch {
    return { low: 32768 };
  }
}

const lowest = 10_000;

function listensOn(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      // A machine without IPv6 cannot listen on ::1, and nobody else can either.
      resolve(error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT'),
    );
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A TCP port on loopback that nothing is listening on right now, on 127.0.0.1 and ::1 (a server
 * told "localhost" listens on both), chosen at random below the ports of outgoing connections.
 */
export async function freePort(): Promise<number> {
  const highest = Math.max(lowest + 1_000, ephemeralPorts().low) - 1;
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = lowest + Math.floor(Math.random() * (highest - lowest + 1));
    if ((await listensOn(port, '127.0.0.1')) && (await listensOn(port, '::1'))) return port;
  }
  throw new Error(`No free port between ${lowest} and ${highest} after 100 tries`);
}
