// The flagstone command: start the platform, run migrations, load the demo place.
import { Command } from 'commander';
import { createApp } from './app.ts';
import { auditCommands } from './audit-commands.ts';
import { openDatabase, type Services, servicesFor, startJobs } from './compose.ts';
import { ConfigError, loadConfig } from './config.ts';
import { type Database, instanceRunning, ledgerOpenToApp, pendingMigrations } from './db/index.ts';
import { formatCredentials, hasPlace, loadDemo } from './demo.ts';
import { headKeeper } from './governance/index.ts';
import {
  addClientFromCommandLine,
  addUpstreamFromCommandLine,
  rotateKeysFromCommandLine,
} from './identity/index.ts';
import {
  importFinanceFromCommandLine,
  openDataSettingFromCommandLine,
  publishFromCommandLine,
} from './opendata/index.ts';
import {
  importPeopleFromCommandLine,
  importPropertiesFromCommandLine,
  LINK_JOB,
  linkFromCommandLine,
} from './registers/index.ts';
import { open311KeysFromCommandLine as open311Keys } from './requests/index.ts';

function fail(message: string): never {
  process.stderr.write(`flagstone: ${message}\n`);
  process.exit(1);
}

function config() {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(`configuration: ${error.message}`);
    throw error;
  }
}

async function start(options: { demo: boolean }) {
  const cfg = config();
  // Said in the app's log once there is one: the embedded PostgreSQL found stopped and started again.
  let restarted = (_error?: Error) => {};
  const {
    database,
    migrate: migrateDatabase,
    close,
  } = await openDatabase(cfg, {
    instance: true,
    restarted: (error) => restarted(error),
  }).catch((error: Error) => fail(error.message));
  try {
    await migrateDatabase(); // as the owner; everything else as the app role
    const open = await ledgerOpenToApp(database.pool);
    const services = await servicesFor(database, cfg);
    await services.governance.notePolicies();
    await services.outcomes.kpis.check(); // a KPI file whose query does not run stops the start
    if (options.demo && !(await hasPlace(services))) {
      process.stdout.write(`${formatCredentials(await loadDemo(services, { live: true }))}\n`);
    }
    // Pages carry the place's name: the one configured, or else the loaded place's own.
    const placeName =
      cfg.brand.placeName ?? ((await hasPlace(services)) ? (await services.places.place()).name : null);
    const app = await createApp({ ...cfg, brand: { ...cfg.brand, placeName } }, services);
    if (open)
      app.log.warn(
        `the app's database role can ${open}: set DATABASE_OWNER_URL to the owner's role and DATABASE_URL to a role of its own (see the README)`,
      );
    restarted = (error) =>
      error
        ? app.log.error(
            { err: error.message },
            'the embedded PostgreSQL has stopped and could not be started yet',
          )
        : app.log.warn('the embedded PostgreSQL had stopped: started it again');
    // Background jobs in the same database: the outbox, escalation of overdue cases, reminders,
    // and the metadata of photos stored before it was removed on upload.
    const jobs = await startJobs(services, cfg, app.log);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, 'stopping: finishing requests in flight');
      await app.close(); // stops taking requests, waits for those in flight
      await jobs.stop(); // waits for jobs running; the others wait in the database for the next start
      await close();
      process.exit(0);
    };
    // Every five seconds: sign a checkpoint of the audit ledger if it has grown, and keep its tree
    // head outside the database. Every minute: forget expired sessions.
    // Then send the new head to the ledger's witnesses, each with a proof from its last one.
    const keepHeads = headKeeper(cfg.ledgerHeads, services.governance.ledger.heads);
    let signing = false; // a witness slow to answer must not have the next round start beside it
    const checkpoints = setInterval(() => {
      if (signing) return;
      signing = true;
      services.governance.ledger
        .checkpoint()
        .then(keepHeads)
        .then(() => services.governance.ledger.sendToWitnesses())
        .then((outcomes) => {
          for (const o of outcomes.filter((o) => !o.cosigned))
            app.log.warn({ witness: o.witness, reason: o.error }, 'a witness did not co-sign the tree head');
        })
        .catch((error: Error) => app.log.error({ err: error.name }, 'checkpoint failed'))
        .finally(() => {
          signing = false;
        });
    }, 5_000);
    const housekeeping = setInterval(() => {
      services.identity
        .removeExpiredSessions()
        .catch((error: Error) => app.log.error({ err: error.name }, 'removing expired sessions failed'));
    }, 60_000);
    checkpoints.unref();
    housekeeping.unref();
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    const address = await app.listen({ host: cfg.host, port: cfg.port });
    const at = address.replace('127.0.0.1', 'localhost').replace('[::1]', 'localhost');
    // Where to go first, for the person who started it.
    app.log.info(
      `Flagstone is running at ${at}: the start page ${at}/, report a problem ${at}/report, ` +
        `staff sign in at ${at}/sign-in, the API at ${at}/api/docs`,
    );
  } catch (error) {
    await close();
    throw error;
  }
}

/** Runs a command on the database as the app role; `migrateDatabase` migrates as the owner. */
async function withDatabase(
  work: (database: Database, migrateDatabase: () => Promise<string[]>) => Promise<void>,
) {
  const cfg = config();
  const { database, migrate, close } = await openDatabase(cfg).catch((error: Error) => fail(error.message));
  try {
    await work(database, migrate);
  } finally {
    await close();
  }
}

/** Runs a command with every service, built by the composition root with the configured policies. */
function withServices(work: (services: Services) => Promise<void>) {
  return withDatabase(async (database) => work(await servicesFor(database, config())));
}

/** After an import: a running Flagstone links the changed records now; otherwise the next start does. */
async function linkSoon(services: Services): Promise<string> {
  if (!(await instanceRunning(services.database.pool)))
    return 'Flagstone links the changed records when it next starts (or run "flagstone link" now).\n';
  await services.jobs.start({ error: () => {} }, { work: false });
  await services.jobs.now(LINK_JOB);
  await services.jobs.stop();
  return 'The running Flagstone is linking the changed records now: the review queue fills when it has.\n';
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const program = new Command('flagstone').description(
  'The shared platform for the public services of a place',
);

program
  .command('start')
  .description('start Flagstone (with an embedded PostgreSQL when DATABASE_URL is unset)')
  .option('--no-demo', 'do not load the demo place into an empty database')
  .action(start);

program
  .command('migrate')
  .description('apply the database migrations that have not been applied')
  .action(() =>
    withDatabase(async (database, migrateDatabase) => {
      if ((await pendingMigrations(database.pool)).length > 0 && (await instanceRunning(database.pool)))
        fail(
          'Flagstone is running on this database: stop it before applying migrations, so that it does not find its tables changed under it',
        );
      const applied = await migrateDatabase();
      process.stdout.write(
        applied.length ? `Applied ${applied.join(', ')}\n` : 'The database is up to date\n',
      );
    }),
  );

program
  .command('demo')
  .description('load the demo place and its accounts into an empty database')
  .action(() =>
    withDatabase(async (database, migrateDatabase) => {
      await migrateDatabase();
      const services = await servicesFor(database, config());
      if (await hasPlace(services))
        fail('this database already has a place; the demo is only loaded into an empty one');
      process.stdout.write(`${formatCredentials(await loadDemo(services, { live: true }))}\n`);
    }),
  );

const keys = program.command('keys').description('the keys that sign ID tokens and access tokens');
keys
  .command('rotate')
  .description('sign with a new key from now; the old key stays published until its tokens expire')
  .action(() =>
    withServices(async (services) => {
      process.stdout.write(await rotateKeysFromCommandLine(services.identity));
    }),
  );

const clients = program
  .command('clients')
  .description('the relying parties: systems that sign people in through Flagstone or call its API');
clients
  .command('add')
  .description('register a relying party and print its client id (and secret, shown once)')
  .requiredOption('--name <name>', 'the name of the service, shown to people when they sign in')
  .option('--redirect-uri <uri>', 'where people are sent back after signing in (repeatable)', collect, [])
  .option(
    '--post-logout-redirect-uri <uri>',
    'where people may be sent after signing out (repeatable)',
    collect,
    [],
  )
  .option('--public', 'a browser or mobile app that cannot keep a secret (PKCE, no client secret)')
  .option('--scope <scopes>', 'the scopes it may ask for, separated by spaces')
  .option(
    '--machine-for <organisation>',
    'a machine client (client_credentials) acting for this organisation',
  )
  .option(
    '--jwks-file <path>',
    'its public keys (JWKS), to authenticate with private_key_jwt instead of a secret',
  )
  .action((options) =>
    withServices(async (services) => {
      const result = await addClientFromCommandLine(services.identity, options);
      if (!result.ok) fail(result.message);
      process.stdout.write(result.message);
    }),
  );

const upstreams = program
  .command('upstreams')
  .description(
    "identity providers people sign in to Flagstone through (a national one, an organisation's own)",
  );
upstreams
  .command('add')
  .description("let citizens, or one organisation's staff, sign in through an OpenID Connect provider")
  .requiredOption('--slug <slug>', 'a short name for addresses, like one-login')
  .requiredOption('--name <name>', 'its name on the sign-in page, like "GOV.UK One Login"')
  .requiredOption('--issuer <url>', 'its issuer: the only one whose tokens are accepted')
  .requiredOption('--client-id <id>', 'the client id Flagstone is registered with there')
  .requiredOption('--client-secret <secret>', 'the client secret Flagstone is registered with there')
  .requiredOption('--for <who>', '"citizens", or the reference of the organisation whose staff use it')
  .option('--vtr <vector>', 'the vector of trust to ask for (GOV.UK One Login), like Cl.Cm.P2')
  .action((options) =>
    withServices(async (services) => {
      const result = await addUpstreamFromCommandLine(services.identity, options);
      if (!result.ok) fail(result.message);
      process.stdout.write(result.message);
    }),
  );

const imports = program.command('import').description('load records from CSV files');
imports
  .command('people')
  .description(
    "load an organisation's records of people; a record already loaded is updated by its reference",
  )
  .argument('<file>', 'the CSV file, with a header row')
  .requiredOption('--org <organisation>', 'the organisation that holds the records (its reference)')
  .option('--columns <mapping>', 'your column names, like local_ref=ClientID,given_names=Forename')
  .option('--marking <marking>', 'the marking of rows without a marking column', 'OFFICIAL')
  .action((file: string, options) =>
    withServices(async (services) => {
      const result = await importPeopleFromCommandLine(services.importing, file, options);
      if (!result.ok) fail(result.message);
      process.stdout.write(result.message);
      process.stdout.write(await linkSoon(services));
    }),
  );

imports
  .command('properties')
  .description(
    'load the gazetteer: uprn, address, town, postcode, and latitude/longitude or easting/northing',
  )
  .argument('<file>', 'the CSV file, with a header row')
  .action((file: string) =>
    withServices(async (services) => {
      const result = await importPropertiesFromCommandLine(services.properties, file);
      if (!result.ok) fail(result.message);
      process.stdout.write(result.message);
    }),
  );

for (const kind of ['spending', 'contracts'] as const)
  imports
    .command(kind)
    .description(
      kind === 'spending'
        ? "load a council's spending file (date, department, beneficiary, beneficiary_type, purpose, amount, ...): whole, or not at all"
        : "load a council's contracts file (reference, title, description, supplier, start_date, end_date, value, ...): whole, or not at all",
    )
    .argument('<file>', 'the CSV file, with a header row')
    .requiredOption('--org <organisation>', 'the council (its reference)')
    .action((file: string, options: { org: string }) =>
      withServices(async (services) => {
        const result = await importFinanceFromCommandLine(services.openData, kind, file, options.org);
        if (!result.ok) fail(result.message);
        process.stdout.write(result.message);
      }),
    );

program
  .command('link')
  .description("link every organisation's records into people (new and changed records since the last run)")
  .option('--force', 'run even when nothing changed since the last run')
  .action((options: { force?: boolean }) =>
    withServices(async (services) => {
      const result = await linkFromCommandLine(services.linking, options);
      if (!result.ok) fail(result.message);
      process.stdout.write(result.message);
    }),
  );

const photos = program.command('photos').description('the photos citizens add to their reports');
photos
  .command('strip-metadata')
  .description(
    'remove the metadata (where it was taken, the camera, the owner) of every photo stored with it; also done when Flagstone starts',
  )
  .action(() =>
    withServices(async (services) => {
      const total = await services.storedPhotos.stripMetadata((p) => {
        for (const { table, id } of p.unreadableIds)
          process.stderr.write(`\nphoto ${id} (${table}) could not be read: left as it was\n`);
        process.stderr.write(`\rdone ${p.stripped + p.unreadable} of ${p.of} photos`);
      });
      if (total.stripped + total.unreadable > 0) process.stderr.write('\n');
      process.stdout.write(
        total.stripped + total.unreadable === 0
          ? 'No stored photo has metadata left to remove\n'
          : `Removed the metadata of ${total.stripped} photos; ${total.unreadable} could not be read and were left as they were\n`,
      );
    }),
  );

program
  .command('publish')
  .description('publish a new release of every open dataset, or of one (as the daily schedule does)')
  .argument('[dataset]', 'the dataset, like service-requests or service-statistics')
  .action((dataset?: string) =>
    withServices(async (services) => {
      process.stdout.write(await publishFromCommandLine(services.openData, dataset));
    }),
  );

const data = program.command('data').description('how open data is published');
data
  .command('schedule')
  .description('publish a dataset every so many hours (24: daily, the default)')
  .argument('<dataset>', 'the dataset, like service-statistics')
  .argument('<hours>', 'a whole number of hours from 1 to 8784')
  .action((dataset: string, hours: string) =>
    withServices(async (services) => {
      const result = await openDataSettingFromCommandLine(services.openData, { dataset, hours });
      if (!result.ok) fail(result.message);
      process.stdout.write(result.message);
    }),
  );
data
  .command('publication')
  .description("how a service's requests are published: rows (one by one), counts (the default) or never")
  .argument('<service>', 'the service code, like pothole')
  .argument('<how>', 'rows, counts or never')
  .action((service: string, publication: string) =>
    withServices(async (services) => {
      const result = await openDataSettingFromCommandLine(services.openData, { service, publication });
      if (!result.ok) fail(result.message);
      process.stdout.write(result.message);
    }),
  );

auditCommands(program, { withServices, config, fail });

const open311 = program
  .command('open311')
  .description('Open311 GeoReport v2, the protocol reporting apps use');
const open311KeyCommands = open311
  .command('keys')
  .description('the keys third-party apps post requests with (reading needs none)');
open311KeyCommands
  .command('add')
  .description('issue a key to a third-party app and print it (shown once)')
  .requiredOption('--name <name>', 'the name of the app')
  .requiredOption('--contact <email>', 'an email address for the makers of the app')
  .option('--org <organisation>', "the organisation the app posts for, when it is one of the place's own")
  .action((options) =>
    withServices(async (services) => {
      const result = await open311Keys.add(services.requests, options);
      if (!result.ok) fail(result.message);
      process.stdout.write(result.message);
    }),
  );
open311KeyCommands
  .command('list')
  .description('every key issued: id, in use or revoked, app, contact, organisation, requests posted')
  .action(() =>
    withServices(async (services) => void process.stdout.write(await open311Keys.list(services.requests))),
  );
for (const [name, description] of [
  ['rotate', 'give the app a new key and print it; the old one stops working'],
  ['revoke', 'stop a key working for good'],
] as const)
  open311KeyCommands
    .command(name)
    .argument('<id>', 'the id of the key (see "flagstone open311 keys list")')
    .description(description)
    .action((id: string) =>
      withServices(async (services) => {
        const result = await open311Keys[name](services.requests, id);
        if (!result.ok) fail(result.message);
        process.stdout.write(result.message);
      }),
    );

await program.parseAsync().catch((error: Error) => fail(error.message));
