// Local alerts: anyone reads, as an Atom feed, the new reports within a distance of a point for
// the services they choose — no sign-in, no personal data. The point must be inside the place.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/index.ts';
import type { NotifyService } from '../../notify/index.ts';
import { type PlacesService, pointErrors } from '../../places/index.ts';
import { type Clock, type FieldError, Invalid } from '../../platform/index.ts';
import type { Contexts } from '../../web/index.ts';
import { atomFeed } from './feed.ts';
import { alertPages } from './pages.ts';
import { reportsNear } from './store.ts';
import { type Question, subscriptions } from './subscriptions.ts';

export const ALERTS_FEED = '/alerts/reports.atom';
const DAY = 86_400_000;

export interface AlertQuery {
  lat?: string;
  lon?: string;
  distance?: string;
  service?: string | string[];
}

type Routing = { route(code: string, lat: number, lon: number): Promise<unknown> };

/** The alerts' use-cases: the feed of reports near a point, and subscriptions by email. */
export function localAlerts(
  db: Db,
  clock: Clock,
  places: Pick<PlacesService, 'services' | 'place'>,
  routing: Routing,
  notify: Pick<NotifyService, 'queue' | 'nudge'>,
) {
  /** The question checked: a point inside the place, a distance, known services. */
  async function checked(query: AlertQuery): Promise<Question> {
    const lat = Number(query.lat);
    const lon = Number(query.lon);
    const metres = query.distance === undefined || query.distance === '' ? 1000 : Number(query.distance);
    const services = [query.service ?? []].flat().filter(Boolean);
    const errors: FieldError[] = pointErrors(query.lat ? lat : null, query.lon ? lon : null);
    if (!Number.isInteger(metres) || metres < 50 || metres > 10_000)
      errors.push({ field: 'distance', message: 'Give the distance in whole metres, from 50 to 10000' });
    const known = new Set((await places.services()).map((s) => s.code));
    const unknown = services.find((c) => !known.has(c));
    if (unknown)
      errors.push({ field: 'service', message: `There is no service with the code ${unknown.slice(0, 60)}` });
    if (errors.length > 0) throw new Invalid('The alert has errors', errors);
    // Outside the place, no service is routed: the same refusal a report there gets.
    await routing.route(services[0] ?? (known.values().next().value as string), lat, lon);
    return { lat, lon, metres, services };
  }

  return {
    async near(query: AlertQuery) {
      const question = await checked(query);
      const alerts = await reportsNear(db, {
        ...question,
        since: new Date(clock.now().getTime() - 30 * DAY),
      });
      return { alerts, placeName: (await places.place()).name, now: clock.now() };
    },
    services: () => places.services(),
    ...subscriptions({ db, clock, notify }, (q) => checked(q as AlertQuery)),
  };
}

export type LocalAlerts = ReturnType<typeof localAlerts>;

/** GET /alerts/reports.atom?lat=…&lon=…&distance=…&service=…: the feed a reader subscribes to. */
export async function alertRoutes(
  app: FastifyInstance,
  { alerts, baseUrl }: { alerts: LocalAlerts; baseUrl: string },
) {
  app.get<{ Querystring: AlertQuery }>(ALERTS_FEED, async (request, reply) => {
    const { alerts: found, placeName, now } = await alerts.near(request.query ?? {});
    const self = `${baseUrl}${request.url}`;
    return reply
      .type('application/atom+xml; charset=utf-8')
      .header('cache-control', 'public, max-age=60')
      .send(atomFeed(`New reports near you: ${placeName}`, self, baseUrl, found, now));
  });
}

/** The feed, in the protocol context (readers fetch it, no forms); the pages, in the pages context. */
export async function alertsModule(
  app: FastifyInstance,
  options: { contexts: Contexts; alerts: LocalAlerts; baseUrl: string },
) {
  await app.register(options.contexts.protocol(alertRoutes), options);
  await app.register(options.contexts.pages(alertPages), { ...options, services: options.alerts.services });
}

/** Emails the new reports to confirmed subscriptions, every hour. */
export const alertJobs = (alerts: LocalAlerts, baseUrl: string) => [
  {
    name: 'local-alerts',
    cron: '5 * * * *',
    policy: 'stately' as const,
    run: () => alerts.sendAlerts(baseUrl),
  },
];
