// Pure: the server-drawn map of the place, which works without JavaScript. A view is a centre
// and a zoom level; the map is an SVG picture of the areas (filled, outlined and named), a grid,
// the gazetteer's properties close up (they draw the streets), open reports and a pin. Shown as
// an image button, a click on it sends the pixel clicked, which `pointAt` turns back into a point.

/** The map's size in CSS pixels: it fits a 375 px wide phone screen, so a click is where it looks. */
export const MAP_WIDTH = 320;
export const MAP_HEIGHT = 300;
export const MOST_ZOOM = 7;
/** From this zoom a click chooses the point; further out it zooms in where clicked. */
export const CHOOSING_ZOOM = 4;

export interface MapView {
  lat: number;
  lon: number;
  z: number;
}

export interface MapArea {
  name: string;
  /** GeoJSON Polygon or MultiPolygon coordinates, [longitude, latitude]. */
  geometry: { type: string; coordinates: unknown };
}

export interface MapDrawing {
  view: MapView;
  areas: MapArea[];
  /** Points of properties ([longitude, latitude]), drawn close up. */
  properties?: [number, number][];
  /** Open reports nearby. */
  reports?: [number, number][];
  pin?: [number, number] | null;
}

type Ring = number[][];

const rings = (g: MapArea['geometry']): Ring[] =>
  g.type === 'Polygon'
    ? (g.coordinates as Ring[])
    : g.type === 'MultiPolygon'
      ? (g.coordinates as Ring[][]).flat()
      : [];

/** Pixels per degree of latitude at a zoom level: zoom 0 shows about a county. */
const scale = (z: number) => 500 * 2 ** z;

/** The view that shows every area, at zoom 0. */
export function wholeView(areas: Pick<MapArea, 'geometry'>[]): MapView {
  const points = areas.flatMap((a) => rings(a.geometry).flat());
  if (points.length === 0) return { lat: 52.3, lon: -2, z: 0 };
  const lons = points.map((p) => p[0] as number);
  const lats = points.map((p) => p[1] as number);
  const mid = (v: number[]) => (Math.min(...v) + Math.max(...v)) / 2;
  return { lat: mid(lats), lon: mid(lons), z: 0 };
}

/** A view from what a link or form sent, or the fallback when it sent none or nonsense. */
export function viewOf(given: { lat?: unknown; lon?: unknown; z?: unknown }, fallback: MapView): MapView {
  const lat = Number(given.lat);
  const lon = Number(given.lon);
  const z = Number(given.z);
  const sound = Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) < 85 && Math.abs(lon) <= 180;
  return {
    lat: sound ? lat : fallback.lat,
    lon: sound ? lon : fallback.lon,
    z: Number.isInteger(z) ? Math.min(MOST_ZOOM, Math.max(0, z)) : fallback.z,
  };
}

const cosLat = (v: MapView) => Math.cos((v.lat * Math.PI) / 180);

/** Where a point is drawn, in pixels from the top left. */
export function pixelOf(v: MapView, lon: number, lat: number): [number, number] {
  const k = scale(v.z);
  return [MAP_WIDTH / 2 + (lon - v.lon) * k * cosLat(v), MAP_HEIGHT / 2 - (lat - v.lat) * k];
}

/** The point at a pixel clicked; null for a click that is not on the map. */
export function pointAt(v: MapView, x: number, y: number): { lat: number; lon: number } | null {
  if (!(x >= 0 && x <= MAP_WIDTH && y >= 0 && y <= MAP_HEIGHT)) return null;
  const k = scale(v.z);
  const round = (n: number) => Number(n.toFixed(6));
  return {
    lon: round(v.lon + (x - MAP_WIDTH / 2) / (k * cosLat(v))),
    lat: round(v.lat - (y - MAP_HEIGHT / 2) / k),
  };
}

/** The edges of a view: [west, south, east, north]. */
export function boundsOf(v: MapView): [number, number, number, number] {
  const k = scale(v.z);
  const dLon = MAP_WIDTH / 2 / (k * cosLat(v));
  const dLat = MAP_HEIGHT / 2 / k;
  return [v.lon - dLon, v.lat - dLat, v.lon + dLon, v.lat + dLat];
}

/** The views a link moves to: in, out, and half a map north, south, east and west. */
export function movesFrom(v: MapView) {
  const [w, s, e, n] = boundsOf(v);
  const to = (lat: number, lon: number, z = v.z) => ({
    lat: Number(lat.toFixed(6)),
    lon: Number(lon.toFixed(6)),
    z,
  });
  return {
    zoomIn: v.z < MOST_ZOOM ? to(v.lat, v.lon, v.z + 1) : null,
    zoomOut: v.z > 0 ? to(v.lat, v.lon, v.z - 1) : null,
    north: to(v.lat + (n - s) / 2, v.lon),
    south: to(v.lat - (n - s) / 2, v.lon),
    east: to(v.lat, v.lon + (e - w) / 2),
    west: to(v.lat, v.lon - (e - w) / 2),
  };
}

const escaped = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const FILLS = ['#d2e2f1', '#dcecd2', '#f3e1c4', '#e7d6ec', '#f0d4d4'];

/** A grid step in degrees giving a handful of lines across the map. */
function gridStep(span: number): number {
  const raw = span / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
}

/** The map as an SVG document. */
export function drawMap({ view, areas, properties = [], reports = [], pin = null }: MapDrawing): string {
  const px = (lon: number, lat: number) =>
    pixelOf(view, lon, lat)
      .map((n) => n.toFixed(1))
      .join(',');
  const [w, s, e, n] = boundsOf(view);
  const parts: string[] = [`<rect width="${MAP_WIDTH}" height="${MAP_HEIGHT}" fill="#f3f2f1"/>`];
  const step = gridStep(n - s);
  for (let lat = Math.ceil(s / step) * step; lat < n; lat += step)
    parts.push(`<path d="M${px(w, lat)}L${px(e, lat)}" stroke="#b1b4b6" stroke-width="0.5"/>`);
  for (let lon = Math.ceil(w / step) * step; lon < e; lon += step)
    parts.push(`<path d="M${px(lon, s)}L${px(lon, n)}" stroke="#b1b4b6" stroke-width="0.5"/>`);
  areas.forEach((area, i) => {
    const d = rings(area.geometry)
      .map((ring) => `M${ring.map(([lon, lat]) => px(lon as number, lat as number)).join('L')}Z`)
      .join('');
    parts.push(
      `<path d="${d}" fill="${FILLS[i % FILLS.length]}" fill-opacity="0.7" stroke="#505a5f" stroke-width="1.5"/>`,
    );
  });
  if (view.z >= 3)
    for (const [lon, lat] of properties)
      parts.push(
        `<circle cx="${pixelOf(view, lon, lat)[0].toFixed(1)}" cy="${pixelOf(view, lon, lat)[1].toFixed(1)}" r="${view.z >= 5 ? 2 : 1}" fill="#6f777b"/>`,
      );
  // Each area named where the middle of its outline is in view.
  for (const area of areas) {
    const outer = rings(area.geometry)[0] ?? [];
    if (outer.length === 0) continue;
    const lon = outer.reduce((t, p) => t + (p[0] as number), 0) / outer.length;
    const lat = outer.reduce((t, p) => t + (p[1] as number), 0) / outer.length;
    const [x, y] = pixelOf(view, lon, lat);
    if (x > 20 && x < MAP_WIDTH - 20 && y > 10 && y < MAP_HEIGHT - 10)
      parts.push(
        `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="middle" font-family="Arial, sans-serif" font-size="14" font-weight="bold" fill="#0b0c0c" stroke="#ffffff" stroke-width="3" paint-order="stroke">${escaped(area.name)}</text>`,
      );
  }
  for (const [lon, lat] of reports) {
    const [x, y] = pixelOf(view, lon, lat);
    parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="5" fill="#f47738" stroke="#0b0c0c"/>`);
  }
  if (pin) {
    const [x, y] = pixelOf(view, pin[0], pin[1]);
    parts.push(
      `<path d="M${x.toFixed(1)},${y.toFixed(1)}l-8,-16a9,9 0 1 1 16,0z" fill="#d4351c" stroke="#0b0c0c" stroke-width="1.5"/>`,
      `<circle cx="${x.toFixed(1)}" cy="${(y - 20).toFixed(1)}" r="3" fill="#ffffff"/>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${MAP_WIDTH}" height="${MAP_HEIGHT}" viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}">${parts.join('')}</svg>`;
}
