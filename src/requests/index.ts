// The front door: citizens report and request without knowing who does what. Requests are
// routed by service and location to the responsible organisation (routing/), taken through
// GOV.UK pages and Open311 (intake/), and worked as cases (cases/, referrals/, teams/, photos/)
// under governance. Others build its services and register its one plugin, requestsModule.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/index.ts';
import type { GovernanceService } from '../governance/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { NotifyService } from '../notify/index.ts';
import type { PlacesService } from '../places/index.ts';
import type { Clock } from '../platform/index.ts';
import type { Contexts } from '../web/index.ts';
import {
  casePages,
  casesRoutes,
  caseWork,
  followPages,
  type HeldIn,
  type InboxService,
  inboxPages,
  publicCases,
  type SeparationService,
  separatePages,
  separateRoutes,
} from './cases/index.ts';
import { caseGuard } from './guard.ts';
import {
  apiKeys,
  citizenJourney,
  drafts,
  type Gazetteer,
  intakeService,
  open311,
  open311KeyPages,
} from './intake/index.ts';
import { photoRoutes, staffPhotos } from './photos/index.ts';
import { referralRoutes, referrals } from './referrals/index.ts';
import { requestRouting, routingRoutes } from './routing/index.ts';
import { type TeamsService, teamPages, teamRoutes } from './teams/index.ts';

export { alertJobs, alertsModule, type LocalAlerts, localAlerts } from './alerts/index.ts';
export type { PublicRequest } from './case.ts';
export {
  type DeadlinesService,
  deadlinesService,
  type InboxService,
  inboxService,
  type SeparationService,
  separationService,
} from './cases/index.ts';
export { loadDemoCases } from './demo.ts';
export type { AssistedChannel, Channel, NewRequest } from './intake/index.ts';
export { open311KeysFromCommandLine } from './intake/index.ts';
export { loadDemoOutbound, type OutboundService, outboundModule, outboundService } from './outbound/index.ts';
export { type StoredPhotosService, type StripProgress, storedPhotosService } from './photos/index.ts';
export { type Questionnaires, questionnaireModule, questionnaires } from './questionnaires/index.ts';
export { type Attribute, definitionOf } from './service-definitions.ts';
export { type TeamsService, teamsService } from './teams/index.ts';

/** The use-cases of requests and cases, built once: routing, intake, the public's reads, staff work. */
export function requestsService(
  database: Pick<Database, 'db' | 'pipelined'>,
  clock: Clock,
  governance: GovernanceService,
  places: PlacesService,
  identity: Pick<IdentityService, 'accountNames' | 'staffOf'>,
  notify: NotifyService,
  gazetteer: Gazetteer | null = null,
) {
  const { db } = database;
  const guard = caseGuard(db, governance);
  const routing = requestRouting(db, clock, governance, places);
  const intake = intakeService(database, clock, governance, notify, routing, gazetteer);
  const reads = publicCases(db, governance, places, guard);
  const work = caseWork(db, clock, governance, places, identity, notify, guard);
  const keys = apiKeys(db, clock, governance, places);
  return {
    // Routing (routing/)
    route: routing.route,
    hasService: routing.hasService,
    overrides: routing.overrides,
    setOverride: routing.setOverride,
    removeOverride: routing.removeOverride,
    // Taking requests (intake/)
    submit: intake.submit,
    alreadyReported: intake.alreadyReported,
    addresses: intake.addresses,
    drafts: drafts(db, clock),
    issueKey: keys.issueKey,
    keys: keys.keys,
    rotateKey: keys.rotateKey,
    revokeKey: keys.revokeKey,
    issueApiKey: keys.issueApiKey,
    apiKey: keys.apiKey,
    // What the public and the citizen read (cases/public.ts)
    ...reads,
    // Staff work on cases (cases/work.ts, referrals/, photos/)
    ...work,
    ...referrals(db, clock, governance, places, identity, notify, guard),
    ...staffPhotos(db, governance, guard),
  };
}

export type RequestsService = ReturnType<typeof requestsService>;

export interface RequestsModuleOptions {
  contexts: Contexts;
  requests: RequestsService;
  inbox: InboxService;
  teams: TeamsService;
  separation: SeparationService;
  places: PlacesService;
  photoLimitBytes?: number;
  /** The address Flagstone is reached at (FLAGSTONE_URL), for the absolute URLs of protocols. */
  publicUrl?: string;
  /** Where cases sent on to an organisation's own system are held (outbound/). */
  heldIn?: HeldIn;
  /** Which own system takes a service's requests with contact details (outbound/): the journey asks first. */
  takesContact?: (organisationRef: string, serviceCode: string) => Promise<string | null>;
}

/** Every route of the front door: its JSON API, Open311 under /open311/v2, and its pages. */
export async function requestsModule(
  app: FastifyInstance,
  {
    contexts,
    requests,
    inbox,
    teams,
    separation,
    places,
    photoLimitBytes,
    publicUrl,
    heldIn,
    takesContact,
  }: RequestsModuleOptions,
) {
  await app.register(contexts.api(routingRoutes), { routing: requests });
  await app.register(contexts.api(casesRoutes), { cases: requests });
  await app.register(contexts.api(referralRoutes), { referrals: requests });
  await app.register(contexts.protocol(open311), { requests, places, publicUrl: publicUrl ?? '' });
  await app.register(contexts.pages(citizenJourney), { requests, places, photoLimitBytes, takesContact });
  await app.register(contexts.pages(followPages), { requests });
  await app.register(contexts.pages(photoRoutes), { photos: requests });
  await app.register(contexts.pages(casePages), { requests, places });
  await app.register(contexts.pages(inboxPages), { inbox, requests, heldIn });
  await app.register(contexts.pages(teamPages), { teams });
  await app.register(contexts.api(teamRoutes), { teams });
  await app.register(contexts.pages(separatePages), { separation });
  await app.register(contexts.pages(open311KeyPages), { requests, places });
  await app.register(contexts.api(separateRoutes), { separation });
}
