// The server-drawn map on the pages: the picture at /map.svg (the areas, the gazetteer's
// properties close up, a pin), and what a page needs to show it as an image button with links
// to zoom and move, so that a place is chosen without JavaScript and without typing a point.
import type { FastifyInstance } from 'fastify';
import { Invalid } from '../../../platform/index.ts';
import { boundsOf, drawMap, type MapView, movesFrom, viewOf, wholeView } from './map.ts';
import type { JourneyOptions } from './options.ts';

export { CHOOSING_ZOOM, type MapView, pointAt, viewOf, wholeView } from './map.ts';

import { CHOOSING_ZOOM, MAP_HEIGHT, MAP_WIDTH } from './map.ts';

type Point = { lat: number; lon: number };

/** The address of the picture of a view, with a pin at the point if there is one, and open reports of the service. */
export const mapSource = (v: MapView, pin: Point | null = null, service = '') =>
  `/map.svg?${new URLSearchParams({
    mlat: String(v.lat),
    mlon: String(v.lon),
    z: String(v.z),
    ...(pin ? { plat: String(pin.lat), plon: String(pin.lon) } : {}),
    ...(service ? { service } : {}),
  })}`;

/** What a page shows of the map: the picture, its words, and links to zoom and move. */
export function mapOf(
  view: MapView,
  pin: Point | null,
  placeName: string,
  service = '',
  page = '/report/where',
) {
  const moves = movesFrom(view);
  const link = (text: string, to: MapView | null) =>
    to
      ? {
          text,
          href: `${page}?${new URLSearchParams({ mlat: String(to.lat), mlon: String(to.lon), z: String(to.z) })}#map`,
        }
      : null;
  return {
    view,
    src: mapSource(view, pin, service),
    width: MAP_WIDTH,
    height: MAP_HEIGHT,
    choosing: view.z >= CHOOSING_ZOOM,
    alt:
      view.z >= CHOOSING_ZOOM
        ? `Map of part of ${placeName}: select the place on the map to choose it`
        : `Map of ${placeName}: select the area on the map to zoom in there`,
    links: [
      link('Zoom in', moves.zoomIn),
      link('Zoom out', moves.zoomOut),
      link('Move north', moves.north),
      link('Move south', moves.south),
      link('Move west', moves.west),
      link('Move east', moves.east),
    ].filter(Boolean),
  };
}

/** The picture of the map at a view: GET /map.svg?mlat=&mlon=&z=[&plat=&plon=]. */
export async function mapPages(app: FastifyInstance, { requests, places }: JourneyOptions) {
  app.get<{ Querystring: Record<string, string | undefined> }>('/map.svg', async (request, reply) => {
    const q = request.query;
    const areas = (await places.areas()).map((f) => ({ name: f.properties.name, geometry: f.geometry }));
    const view = viewOf({ lat: q.mlat, lon: q.mlon, z: q.z }, wholeView(areas));
    const pin = viewOf({ lat: q.plat, lon: q.plon }, { lat: Number.NaN, lon: Number.NaN, z: 0 });
    const bounds = boundsOf(view);
    const properties = view.z >= 3 ? await requests.addresses.within(bounds) : [];
    // Open reports of the service close to the middle of the view, so as not to report one twice.
    const open =
      q.service && view.z >= CHOOSING_ZOOM && (await requests.hasService(q.service))
        ? await requests.nearby(q.service, view.lat, view.lon, (bounds[3] - bounds[1]) / 2)
        : [];
    const svg = drawMap({
      view,
      areas,
      properties,
      reports: open.map((r): [number, number] => [r.lon, r.lat]),
      pin: Number.isFinite(pin.lat) ? [pin.lon, pin.lat] : null,
    });
    return reply.type('image/svg+xml').header('cache-control', 'public, max-age=300').send(svg);
  });

  // The interactive map's open reports of a service around a point: where and what, nothing personal.
  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/map/reports.json',
    async (request, reply) => {
      const q = request.query;
      const at = viewOf({ lat: q.lat, lon: q.lon }, { lat: Number.NaN, lon: Number.NaN, z: 0 });
      if (!q.service || !Number.isFinite(at.lat) || !(await requests.hasService(q.service))) {
        throw new Invalid('Give a service and a point', [
          { field: 'service', message: 'Give a known service, lat and lon' },
        ]);
      }
      const open = await requests.nearby(q.service, at.lat, at.lon, NEARBY_DEGREES);
      // Not kept by the browser: a report made a moment ago is to be seen by the next one there.
      return reply.header('cache-control', 'no-store').send({
        reports: open.map((r) => ({ lat: r.lat, lon: r.lon, status: r.status, service: r.serviceName })),
      });
    },
  );
}

/** How far around the middle of the interactive map open reports are shown: about a kilometre. */
const NEARBY_DEGREES = 0.01;
