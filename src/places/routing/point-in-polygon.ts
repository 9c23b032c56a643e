// Pure, exact point-in-polygon. Orientation is decided in floating point when the error bound
// proves the sign, and otherwise exactly with integers, so a point on a boundary is always
// found to be on it: routing never depends on rounding.

/** GeoJSON polygons as [longitude, latitude] rings; the first ring is the outside, the rest holes. */
export type Ring = readonly (readonly number[])[];
export type Polygon = readonly Ring[];
export type Where = 'inside' | 'boundary' | 'outside';

const view = new DataView(new ArrayBuffer(8));

/** A finite double as mantissa × 2^exponent, both exact. */
function exact(x: number): [bigint, number] {
  if (x === 0) return [0n, 0];
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  return [hi >>> 31 ? -mantissa : mantissa, exponent];
}

function orientExact(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const parts = [ax, ay, bx, by, cx, cy].map(exact);
  const least = Math.min(...parts.map(([, e]) => e));
  const [xa, ya, xb, yb, xc, yc] = parts.map(([m, e]) => m << BigInt(e - least)) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  const det = (xa - xc) * (yb - yc) - (ya - yc) * (xb - xc);
  return det > 0n ? 1 : det < 0n ? -1 : 0;
}

// Shewchuk's bound for the first, floating-point stage of orient2d.
const ERRBOUND = (3 + 16 * 2 ** -53) * 2 ** -53;

/** +1 when c is left of a→b (counter-clockwise), -1 when right, 0 when exactly on the line. */
export function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const left = (ax - cx) * (by - cy);
  const right = (ay - cy) * (bx - cx);
  const det = left - right;
  const bound = ERRBOUND * (Math.abs(left) + Math.abs(right));
  if (det > bound) return 1;
  if (-det > bound) return -1;
  return orientExact(ax, ay, bx, by, cx, cy);
}

/** Where a point lies against one closed ring. */
export function locateInRing(ring: Ring, px: number, py: number): Where {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[j] as readonly number[];
    const b = ring[i] as readonly number[];
    const ax = a[0] as number;
    const ay = a[1] as number;
    const bx = b[0] as number;
    const by = b[1] as number;
    const withinBox =
      px >= Math.min(ax, bx) && px <= Math.max(ax, bx) && py >= Math.min(ay, by) && py <= Math.max(ay, by);
    if (withinBox && orient(ax, ay, bx, by, px, py) === 0) return 'boundary';
    // Crossing number over half-open edges: an edge counts when it spans py from below or above
    // and crosses the ray to the right of the point.
    if (ay > py !== by > py) {
      const side = orient(ax, ay, bx, by, px, py);
      if (side > 0 === by > ay) inside = !inside;
    }
  }
  return inside ? 'inside' : 'outside';
}

/** Where a point lies against a polygon with holes. */
export function locateInPolygon(polygon: Polygon, px: number, py: number): Where {
  const [outer, ...holes] = polygon;
  if (!outer) return 'outside';
  const where = locateInRing(outer, px, py);
  if (where !== 'inside') return where;
  for (const hole of holes) {
    const inHole = locateInRing(hole, px, py);
    if (inHole === 'inside') return 'outside';
    if (inHole === 'boundary') return 'boundary';
  }
  return 'inside';
}

/** The bounding box of a polygon's outer ring: [minX, minY, maxX, maxY]. */
export function boundingBox(polygon: Polygon): [number, number, number, number] {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of polygon[0] ?? []) {
    const x = p[0] as number;
    const y = p[1] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}
