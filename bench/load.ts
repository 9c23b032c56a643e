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

/**
 * A POST's body, or a file holding a JSON array of bodies that the requests take in turn from
 * `from` (a later run can go on where an earlier one stopped).
 */
export type Post =
  | { body: string; contentType: string }
  | { bodiesFile: string; from: number; contentType: string };

export async function load(
  url: string,
  duration: number,
  options: { cookie?: string; post?: Post; paths?: string[] } = {},
): Promise<LoadResult> {
  const { post, paths } = options;
  const args = ['--json', '-c', '50', '-d', String(duration)];
  if (options.cookie) args.push('-H', `cookie=${options.cookie}`);
  if (post && 'body' in post)
    args.push('-m', 'POST', '-H', `content-type=${post.contentType}`, '-b', post.body);
  const [command, commandArgs] = paths
    ? [
        process.execPath,
        [path.resolve(import.meta.dirname, 'load-paths.ts'), url, String(duration), JSON.stringify(paths)],
      ]
    : post && 'bodiesFile' in post
      ? [
          process.execPath,
          [
            path.resolve(import.meta.dirname, 'load-bodies.ts'),
            url,
            String(duration),
            post.bodiesFile,
            String(post.from),
            post.contentType,
          ],
        ]
      : [autocannon, [...args, url]];
  const { stdout } = await run(command, commandArgs, { maxBuffer: 64 * 1024 * 1024 });
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
