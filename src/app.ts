// The HTTP app as a table of contents: the composition root builds the services once,
// and createApp lists the cross-cutting set-up and each module's routes in order.
import fastifySwagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { type Database, pendingMigrations } from './db/index.ts';
import {
  agreementsService,
  governancePages,
  governanceRoutes,
  governanceService,
  loadPolicies,
  type PolicyDecisionPoint,
} from './governance/index.ts';
import {
  identityPages,
  identityService,
  identitySettings,
  openIdProvider,
  sessions,
} from './identity/index.ts';
import { notifyPages, notifySender, notifyService } from './notify/index.ts';
import { placesRoutes, placesService } from './places/index.ts';
import { type Clock, type JobsLog, jobQueue, newId, systemClock } from './platform/index.ts';
import {
  importService,
  linkingService,
  peopleRoutes,
  propertiesService,
  propertyRoutes,
  recordsPages,
  recordsRoutes,
  recordsService,
  reviewPages,
} from './registers/index.ts';
import {
  deadlinesService,
  inboxService,
  requestsModule,
  requestsService,
  separationService,
  storedPhotosService,
  teamsService,
} from './requests/index.ts';
import { apiDocs, healthRoutes, startPage, webPlugin } from './web/index.ts';

/** The composition root: every service, built once from the database, the clock and the policies. */
export function createServices(database: Database, pdp: PolicyDecisionPoint, clock: Clock = systemClock) {
  const { db } = database;
  const places = placesService(db);
  const governance = governanceService(db, clock, pdp, places, database.pool.options.connectionString);
  const identity = identityService(db, clock, governance.ledger);
  const jobs = jobQueue(database.pool.options.connectionString);
  const notify = notifyService(db, clock, jobs, governance);
  const properties = propertiesService(db, places);
  const requests = requestsService(database, clock, governance, places, notify, properties);
  return {
    database,
    jobs,
    places,
    identity,
    governance,
    agreements: agreementsService(db, clock, governance.ledger, places),
    records: recordsService(db, clock, governance, places),
    importing: importService(db, clock, governance, places),
    linking: linkingService(db, governance),
    properties,
    notify,
    requests,
    inbox: inboxService(db, governance, places, requests),
    teams: teamsService(db, governance, places),
    separation: separationService(db, clock, governance, notify),
    deadlines: deadlinesService(db, clock, governance, notify),
    storedPhotos: storedPhotosService(db),
    migrationsPending: () => pendingMigrations(database.pool),
  };
}
export type Services = ReturnType<typeof createServices>;

/**
 * Starts the background jobs: sending the outbox (through GOV.UK Notify when configured),
 * escalation, reminders, and removing the metadata of photos stored before it was removed on upload.
 */
export async function startJobs(
  services: Services,
  config: Pick<Config, 'notify'>,
  log: JobsLog,
  options: { work?: boolean; pollingIntervalSeconds?: number } = {},
) {
  services.jobs.define(
    ...services.notify.jobs(config.notify ? notifySender(config.notify) : null),
    ...services.deadlines.jobs(),
    ...services.storedPhotos.jobs(log),
  );
  await services.jobs.start(log, options);
  return services.jobs;
}

/** Services with the policies read from policies/ (a bad policy throws PolicyError). */
export async function servicesFor(
  database: Database,
  options: { policiesDir?: string; clock?: Clock } = {},
): Promise<Services> {
  return createServices(database, await loadPolicies(options.policiesDir), options.clock);
}

export function loggerOptions(config: Pick<Config, 'logLevel'>) {
  return {
    level: config.logLevel,
    // Never log cookies, authorisation headers or bodies: they carry session ids and passwords.
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        url: req.url.split('?')[0],
      }),
    },
    redact: {
      paths: ['req.headers', 'res.headers', '*.password', '*.cookie', '*.authorization'],
      remove: true,
    },
  };
}

export async function createApp(
  config: Config,
  services: Services,
  options: { logStream?: NodeJS.WritableStream } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { ...loggerOptions(config), stream: options.logStream },
    genReqId: () => newId(),
    requestIdHeader: false,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: config.serviceName,
        version: '1',
        description: 'The open API of the public services of the place: organisations, areas and services.',
      },
    },
    hideUntagged: true,
  });
  await app.register(healthRoutes, { ready: services.migrationsPending });
  await app.register(webPlugin, {
    serviceName: config.serviceName,
    cookieSecret: await services.identity.sharedSecret('cookie'),
  });
  await app.register(sessions, { identity: services.identity, settings: identitySettings(config) });
  await app.register(openIdProvider, { identity: services.identity, settings: identitySettings(config) });
  await app.register(startPage, { places: services.places });
  await app.register(identityPages, { identity: services.identity, places: services.places });
  await app.register(placesRoutes, { places: services.places });
  await app.register(governanceRoutes, { governance: services.governance, agreements: services.agreements });
  await app.register(governancePages, {
    governance: services.governance,
    agreements: services.agreements,
    places: services.places,
  });
  await app.register(recordsRoutes, { records: services.records });
  await app.register(peopleRoutes, { importing: services.importing, linking: services.linking });
  await app.register(recordsPages, {
    records: services.records,
    governance: services.governance,
    places: services.places,
  });
  await app.register(reviewPages, { linking: services.linking });
  await app.register(propertyRoutes, { properties: services.properties });
  await app.register(requestsModule, {
    requests: services.requests,
    inbox: services.inbox,
    teams: services.teams,
    separation: services.separation,
    places: services.places,
    photoLimitBytes: config.photoLimitBytes,
  });
  await app.register(notifyPages, { notify: services.notify });
  await app.register(apiDocs);
  return app;
}
