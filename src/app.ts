// The HTTP app as a table of contents: createApp takes the services the composition root
// (compose.ts) built and lists the cross-cutting set-up and each module's routes in order.
import fastifySwagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Services } from './compose.ts';
import type { Config } from './config.ts';
import { governancePages, governanceRoutes } from './governance/index.ts';
import { identityModule, identitySettings, sessions } from './identity/index.ts';
import { notifyPages } from './notify/index.ts';
import { placesRoutes } from './places/index.ts';
import { newId } from './platform/index.ts';
import { peopleRoutes, propertyRoutes, recordsPages, recordsRoutes, reviewPages } from './registers/index.ts';
import { requestsModule } from './requests/index.ts';
import { apiDocs, healthRoutes, startPage, webPlugin } from './web/index.ts';

// Until every importer takes them from the composition root itself.
export { type Services, servicesFor, startJobs } from './compose.ts';

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
  // Who is asking, from the session cookie; identity's access tokens then take its place on the API.
  await app.register(sessions, { identity: services.identity, settings: identitySettings(config) });
  await app.register(identityModule, {
    identity: services.identity,
    settings: identitySettings(config),
    places: services.places,
  });
  await app.register(startPage, { place: () => services.places.place() });
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
