// The one composition root: config -> database -> every service, built once. The server, every
// command of the command line, the tests and the benchmarks take their services from here, so a
// ledger, a service or a job queue is constructed in this file and nowhere else.
import type { Config } from './config.ts';
import {
  connect,
  type Database,
  holdInstance,
  migrate,
  pendingMigrations,
  startEmbedded,
} from './db/index.ts';
import {
  agreementsService,
  governanceService,
  loadPolicies,
  type PolicyDecisionPoint,
} from './governance/index.ts';
import { identityService } from './identity/index.ts';
import { notifySender, notifyService } from './notify/index.ts';
import { type OpenDataSettings, openDataService } from './opendata/index.ts';
import { kpiDataset, outcomesService } from './outcomes/index.ts';
import { benchmarkDataset, routemapService } from './outcomes/routemap/index.ts';
import { placesService } from './places/index.ts';
import { type Clock, type JobsLog, jobQueue, systemClock } from './platform/index.ts';
import {
  importService,
  LINK_JOB,
  linkingService,
  propertiesService,
  recordsService,
} from './registers/index.ts';
import {
  alertJobs,
  deadlinesService,
  inboxService,
  localAlerts,
  outboundService,
  questionnaires,
  requestsService,
  separationService,
  storedPhotosService,
  teamsService,
} from './requests/index.ts';

/** The composition root: every service, built once from the database, the clock and the policies. */
export function createServices(
  database: Database,
  pdp: PolicyDecisionPoint,
  clock: Clock = systemClock,
  ledgerKey?: string,
  openData: Partial<OpenDataSettings> = {},
  kpisDir?: string,
  witnessing: { witnessKeyFile?: string; publicUrl?: string } = {},
) {
  const { db } = database;
  const places = placesService(db, clock);
  const governance = governanceService(db, clock, pdp, places, {
    connectionString: database.pool.options.connectionString,
    keyFile: ledgerKey,
    ...witnessing,
  });
  const identity = identityService(db, clock, governance.ledger, places, {
    queue: (trx, messages) => notify.queue(trx, messages),
    nudge: () => notify.nudge(),
  });
  const jobs = jobQueue(database.pool.options.connectionString);
  const notify = notifyService(db, clock, jobs, governance);
  const properties = propertiesService(db, places);
  const requests = requestsService(database, clock, governance, places, identity, notify, properties);
  const outcomes = outcomesService(db, clock, places, governance, kpisDir);
  const routemap = routemapService(db, clock, governance, places, notify, outcomes.kpis.trends);
  return {
    database,
    jobs,
    places,
    identity,
    governance,
    agreements: agreementsService(db, clock, governance.ledger, places),
    records: recordsService(db, clock, governance, places, identity),
    importing: importService(db, clock, governance, places, identity, () => {
      if (jobs.running) jobs.now(LINK_JOB).catch(() => undefined);
    }),
    linking: linkingService(db, governance, places, identity),
    properties,
    notify,
    requests,
    inbox: inboxService(db, governance, places, identity, requests),
    teams: teamsService(db, governance, places),
    separation: separationService(db, clock, governance, notify),
    deadlines: deadlinesService(db, clock, governance, places, identity, notify),
    storedPhotos: storedPhotosService(db),
    alerts: localAlerts(db, clock, places, requests, notify),
    questionnaires: questionnaires({ db, clock, governance, notify }),
    outbound: outboundService({ db, clock, governance, places, notify, sharedSecret: identity.sharedSecret }),
    outcomes,
    routemap,
    migrationsPending: () => pendingMigrations(database.pool),
    openData: openDataService({
      db,
      clock,
      governance,
      places,
      settings: openData,
      // The outcome KPIs and the maturity benchmark, published through open data's catalogue.
      more: (sources) => [kpiDataset(outcomes.kpis, sources), benchmarkDataset(routemap)],
    }),
  };
}
export type Services = ReturnType<typeof createServices>;

/**
 * Starts the background jobs: sending the outbox (through GOV.UK Notify when configured),
 * escalation, reminders, and removing the metadata of photos stored before it was removed on upload.
 */
export async function startJobs(
  services: Services,
  config: Pick<Config, 'notify'> & Partial<Pick<Config, 'publicUrl'>>,
  log: JobsLog,
  options: { work?: boolean; pollingIntervalSeconds?: number } = {},
) {
  services.jobs.define(
    ...services.notify.jobs(config.notify ? notifySender(config.notify) : null, log),
    ...services.deadlines.jobs(),
    ...services.storedPhotos.jobs(log),
    ...services.linking.jobs(log),
    ...services.outcomes.kpis.jobs(),
    ...services.openData.jobs(log),
    ...services.routemap.actions.jobs(),
    ...services.outbound.jobs(),
    ...services.questionnaires.jobs(config.publicUrl ?? ''),
    ...alertJobs(services.alerts, config.publicUrl ?? ''),
  );
  await services.jobs.start(log, options);
  return services.jobs;
}

/** Services with the policies read from policies/ (a bad policy throws PolicyError). */
export async function servicesFor(
  database: Database,
  options: {
    policiesDir?: string;
    clock?: Clock;
    ledgerKey?: string;
    openData?: Partial<OpenDataSettings>;
    kpisDir?: string;
    witnessKey?: string;
    publicUrl?: string;
  } = {},
): Promise<Services> {
  return createServices(
    database,
    await loadPolicies(options.policiesDir),
    options.clock,
    options.ledgerKey,
    options.openData,
    options.kpisDir,
    { witnessKeyFile: options.witnessKey, publicUrl: options.publicUrl },
  );
}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL in FLAGSTONE_DATA, started if it is not
 * running already. `instance` is for `flagstone start`: one per data folder (the commands of the
 * command line run beside it, on the same server); on an external database, instances share it.
 * `database` connects as the app role; `migrate` alone connects as the owner (DATABASE_OWNER_URL,
 * or the embedded cluster's superuser), applies the migrations, grants the app role its part and
 * disconnects (decision 0022).
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'databaseOwnerUrl' | 'dataDir' | 'embeddedDbPort'>,
  {
    instance = false,
    restarted = () => {},
  }: { instance?: boolean; restarted?: (error?: Error) => void } = {},
): Promise<{ database: Database; migrate(): Promise<string[]>; close(): Promise<void> }> {
  if (config.databaseUrl) {
    const database = connect(config.databaseUrl);
    const ownerUrl = config.databaseOwnerUrl ?? config.databaseUrl;
    return { database, migrate: () => migrateAsOwner(ownerUrl, database), close: () => database.close() };
  }
  const embedded = await startEmbedded({ dataDir: config.dataDir, port: config.embeddedDbPort });
  const release = instance
    ? await holdInstance(embedded.appUrl, config.dataDir).catch(async (error) => {
        await embedded.stop({ unlessInUse: true });
        throw error;
      })
    : async () => {};
  const database = connect(embedded.appUrl);
  // The instance starts its PostgreSQL again if it stops under it (its postmaster killed, say).
  const unwatch = instance ? embedded.watch(restarted) : () => {};
  return {
    database,
    migrate: () => migrateAsOwner(embedded.url, database),
    async close() {
      unwatch();
      await database.close();
      await release();
      // The last Flagstone to finish stops the server: an instance leaves it to a command still running.
      await embedded.stop({ unlessInUse: true });
    },
  };
}

/** Applies the migrations on a connection as the owner, granting the app role of `app` its part. */
export async function migrateAsOwner(ownerUrl: string, app: Database): Promise<string[]> {
  const appRole = (await app.pool.query<{ me: string }>('SELECT current_user AS me')).rows[0]?.me;
  const owner = connect(ownerUrl, 1);
  try {
    return await migrate(owner.pool, { appRole });
  } finally {
    await owner.close();
  }
}
