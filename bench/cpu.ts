// CPU time per request, of this process (the server) and of PostgreSQL (its processes, and those
// it has reaped): on a shared machine, steadier than the rates, which swing with others' load.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadResult } from './load.ts';

export type Measured = LoadResult & { nodeUs: number; postgresUs: number };

/** CPU time of this process and of PostgreSQL, given the embedded server's data directory. */
export function cpuMeter(dataDir: string) {
  const postmaster = Number(
    readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const ticks = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ').map(Number) ?? [];
    } catch {
      return [];
    }
  };
  const postgresMs = () => {
    const [, , , , , , , , , , , user = 0, system = 0, children = 0, childrenSystem = 0] = ticks(postmaster);
    let total = user + system + children + childrenSystem;
    for (const name of readdirSync('/proc'))
      if (/^\d+$/.test(name)) {
        const f = ticks(Number(name));
        if (f[1] === postmaster) total += (f[11] ?? 0) + (f[12] ?? 0);
      }
    return total * 10;
  };
  /** CPU seconds PostgreSQL has used so far. */
  const postgresSeconds = () => postgresMs() / 1000;
  /** CPU seconds so far, of this process (all its threads) and of PostgreSQL. */
  const seconds = () => {
    const own = process.cpuUsage();
    return (own.user + own.system) / 1e6 + postgresMs() / 1000;
  };
  /** A load, with its CPU per request. */
  async function withCpu(run: () => Promise<LoadResult>): Promise<Measured> {
    const node = process.cpuUsage();
    const postgres = postgresMs();
    const result = await run();
    const used = process.cpuUsage(node);
    return {
      ...result,
      nodeUs: (used.user + used.system) / result.total,
      postgresUs: (1000 * (postgresMs() - postgres)) / result.total,
    };
  }
  return { postgresSeconds, seconds, withCpu };
}
