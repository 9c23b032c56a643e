// HTTP load from a separate process (autocannon), 50 connections, so the server under test
// keeps the cores to itself as far as two allow.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const autocannon = path.resolve(import.meta.dirname, '../node_modules/.bin/autocannon');

export interface LoadResult {
  perSecond: number;
  p50: number;
  p99: number;
  total: number;
}

export async function load(
  url: string,
  duration: number,
  options: { cookie?: string; post?: { body: string; contentType: string } } = {},
): Promise<LoadResult> {
  const args = ['--json', '-c', '50', '-d', String(duration)];
  if (options.cookie) args.push('-H', `cookie=${options.cookie}`);
  if (options.post)
    args.push('-m', 'POST', '-H', `content-type=${options.post.contentType}`, '-b', options.post.body);
  const { stdout } = await run(autocannon, [...args, url], { maxBuffer: 64 * 1024 * 1024 });
  const result = JSON.parse(stdout);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    perSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
  };
}
