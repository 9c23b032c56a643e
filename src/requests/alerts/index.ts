// Local alerts: anyone reads, as an Atom feed, the new reports within a distance of a point (or
// of an address the gazetteer knows), or in an area, for the services they choose — no sign-in,
// no personal data. The point must be inside the place.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/index.ts';
import type { NotifyService } from '../../notify/index.ts';
import { type PlacesService, pointErrors } from '../../places/index.ts';
import { type Clock, type FieldError, Invalid } from '../../platform/index.ts';
import type { Contexts } from '../../web/index.ts';
import { atomFeed } from './feed.ts';
import { alertPages } from './pages.ts';
import { reportsFor } from './store.ts';
import { type Question, subscriptions } from './subscriptions.ts';

export const ALERTS_FEED = '/alerts/reports.atom';
const DAY = 86_400_000;

export interface AlertQuery {
  lat?: string;
  lon?: string;
  /** A postcode or street the gazetteer knows: the middle of its properties is the point. */
  postcode?: string;
  distance?: string;
  /** An area's reference: reports placed in it, whatever their distance. */
  area?: string;
  service?: string | string[];
}

type Routing = {
  route(code: string, lat: number, lon: number): Promise<unknown>;
  addresses: { find(q: string): Promise<{ latitude: number; longitude: number }[]> };
};
const MOST_APART_METRES = 2000;

/** The middle of the properties found, when they are all near it (a postcode's, a street's). */
function middleOf(found: { latitude: number; longitude: number }[]) {
  if (found.length === 0) return null;
  const lat = found.reduce((sum, a) => sum + a.latitude, 0) / found.length;
  const lon = found.reduce((sum, a) => sum + a.longitude, 0) / found.length;
  const apart = (a: { latitude: number; longitude: number }) =>
    Math.hypot(a.latitude - lat, (a.longitude - lon) * Math.cos((lat * Math.PI) / 180)) * 111_195;
  return found.every((a) => apart(a) <= MOST_APART_METRES) ? { lat, lon } : null;
}

/** The alerts' use-cases: the feed of reports near a point, and subscriptions by email. */
export function localAlerts(
  db: Db,
  clock: Clock,
  places: Pick<PlacesService, 'services' | 'place' | 'area' | 'areas' | 'areaIds'>,
  routing: Routing,
  notify: Pick<NotifyService, 'queue' | 'nudge'>,
) {
  /** The services asked for, each known. */
  async function servicesOf(query: AlertQuery, errors: FieldError[]) {
    const services = [query.service ?? []].flat().filter(Boolean);
    const known = new Set((await places.services()).map((s) => s.code));
    const unknown = services.find((c) => !known.has(c));
    if (unknown)
      errors.push({ field: 'service', message: `There is no service with the code ${unknown.slice(0, 60)}` });
    return { services, any: known.values().next().value as string };
  }

  /** The point asked about: given, or the middle of the addresses the postcode or street finds. */
  async function pointOf(query: AlertQuery, errors: FieldError[]) {
    const postcode = typeof query.postcode === 'string' ? query.postcode.trim().slice(0, 100) : '';
    if (query.postcode !== undefined && !query.lat && !query.lon) {
      const middle = postcode ? middleOf(await routing.addresses.find(postcode)) : null;
      if (!middle)
        errors.push({
          field: 'postcode',
          message: `We could not find ${postcode} in ${(await places.place()).name}`,
        });
      return middle ?? { lat: 0, lon: 0 };
    }
    const lat = Number(query.lat);
    const lon = Number(query.lon);
    errors.push(...pointErrors(query.lat ? lat : null, query.lon ? lon : null));
    return { lat, lon };
  }

  /** The question checked: a point inside the place and a distance, or an area; known services. */
  async function checked(query: AlertQuery): Promise<Question> {
    const errors: FieldError[] = [];
    const { services, any } = await servicesOf(query, errors);
    if (typeof query.area === 'string') {
      // The one area asked for, not every area's boundary: this is the public feed's path.
      const ref = query.area;
      const [ids, area] = await Promise.all([
        places.areaIds(),
        ref
          ? places.area(ref).then(
              (a) => a.properties,
              () => null,
            )
          : null,
      ]);
      if (!area) errors.push({ field: 'area', message: 'Choose an area of the place' });
      if (errors.length > 0 || !area) throw new Invalid('The alert has errors', errors);
      return { areaId: ids.get(area.ref) as string, areaName: area.name, services };
    }
    const { lat, lon } = await pointOf(query, errors);
    const metres = query.distance === undefined || query.distance === '' ? 1000 : Number(query.distance);
    if (!Number.isInteger(metres) || metres < 50 || metres > 10_000)
      errors.push({ field: 'distance', message: 'Give the distance in whole metres, from 50 to 10000' });
    if (errors.length > 0) throw new Invalid('The alert has errors', errors);
    // Outside the place, no service is routed: the same refusal a report there gets.
    await routing.route(services[0] ?? any, lat, lon);
    return { lat, lon, metres, services };
  }

  return {
    async near(query: AlertQuery) {
      const question = await checked(query);
      const alerts = await reportsFor(db, {
        ...question,
        since: new Date(clock.now().getTime() - 30 * DAY),
      });
      return { alerts, placeName: (await places.place()).name, now: clock.now(), question };
    },
    services: () => places.services(),
    areas: async () =>
      (await places.areas()).map((a) => ({ ref: a.properties.ref, name: a.properties.name })),
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
    const { alerts: found, placeName, now, question } = await alerts.near(request.query ?? {});
    const self = `${baseUrl}${request.url}`;
    const title = 'areaId' in question ? `New reports in ${question.areaName}` : 'New reports near you';
    return reply
      .type('application/atom+xml; charset=utf-8')
      .header('cache-control', 'public, max-age=60')
      .send(atomFeed(`${title}: ${placeName}`, self, baseUrl, found, now));
  });
}

/** The feed, in the protocol context (readers fetch it, no forms); the pages, in the pages context. */
export async function alertsModule(
  app: FastifyInstance,
  options: { contexts: Contexts; alerts: LocalAlerts; baseUrl: string },
) {
  await app.register(options.contexts.protocol(alertRoutes), options);
  await app.register(options.contexts.pages(alertPages), {
    ...options,
    services: options.alerts.services,
    areas: options.alerts.areas,
  });
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
