// The HTTP app as a table of contents: createApp takes the services the composition root
// (compose.ts) built, sets up what every answer shares and the contexts routes are registered
// in (web's, with identity's hooks), then registers each module, one line each.
import fastifySwagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Services } from './compose.ts';
import type { Config } from './config.ts';
import { governanceModule } from './governance/index.ts';
import { identityModule, identitySettings, whoIsAsking } from './identity/index.ts';
import { notifyModule } from './notify/index.ts';
import { openDataModule } from './opendata/index.ts';
import { outcomesModule } from './outcomes/index.ts';
import { routemapModule } from './outcomes/routemap/index.ts';
import { placesModule } from './places/index.ts';
import { newId, refuseUnreadableText } from './platform/index.ts';
import { registersModule } from './registers/index.ts';
import { alertsModule, outboundModule, questionnaireModule, requestsModule } from './requests/index.ts';
import {
  allowedMethods,
  frameworkErrors,
  loggerFor,
  requestLog,
  truthfulDocument,
  contexts as webContexts,
  webModule,
  webPlugin,
} from './web/index.ts';

export async function createApp(
  config: Config,
  services: Services,
  options: { logStream?: NodeJS.WritableStream } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerFor({ level: config.logLevel, format: config.logFormat }, options.logStream),
    // Fastify's two lines a request give way to requestLog's one.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => newId(),
    requestIdHeader: false,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    return503OnClosing: true,
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();
  allowedMethods(app); // 405 with Allow for a known address and another method
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('preValidation', async (request) => refuseUnreadableText(request)); // one input boundary
  await app.register(requestLog); // one line a request, when it is answered

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
    transformObject: (built) =>
      truthfulDocument('openapiObject' in built ? built.openapiObject : {}, config.publicUrl),
  });
  // What every answer shares: security headers, cookies, assets, page rendering, errors.
  await app.register(webPlugin, {
    serviceName: config.serviceName,
    map: config.map,
    brand: config.brand,
    cookieSecret: await services.identity.sharedSecret('cookie'),
  });
  // Where routes go (pages, the way in, the API, protocols), with who is asking placed in each.
  const { identity, places, governance, agreements, records, importing, linking, properties } = services;
  const { requests, inbox, teams, separation, notify } = services;
  const settings = identitySettings(config);
  const contexts = webContexts(whoIsAsking({ identity, settings }));

  // The modules, each registering its routes in the contexts they belong to.
  await app.register(identityModule, { contexts, identity, settings, places });
  await app.register(webModule, { contexts, place: () => places.place(), ready: services.migrationsPending });
  await app.register(placesModule, { contexts, places });
  await app.register(governanceModule, { contexts, governance, agreements, places, people: identity });
  const registers = { records, importing, linking, properties, governance, places };
  await app.register(registersModule, { contexts, ...registers });
  const front = { requests, inbox, teams, separation, places, photoLimitBytes: config.photoLimitBytes };
  await app.register(requestsModule, {
    contexts,
    ...front,
    publicUrl: config.publicUrl,
    heldIn: services.outbound.heldIn,
    takesContact: services.outbound.takesContact,
  });
  await app.register(outboundModule, { contexts, outbound: services.outbound, places });
  await app.register(questionnaireModule, { contexts, questionnaires: services.questionnaires });
  await app.register(alertsModule, { contexts, alerts: services.alerts, baseUrl: config.publicUrl });
  await app.register(notifyModule, { contexts, notify });
  await app.register(outcomesModule, { contexts, requests, places, outcomes: services.outcomes });
  await app.register(openDataModule, { contexts, openData: services.openData, baseUrl: config.publicUrl });
  await app.register(routemapModule, { contexts, routemap: services.routemap });
  return app;
}
