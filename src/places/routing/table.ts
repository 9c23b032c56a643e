// Pure: which organisation serves a service at a point. The areas covering the point (found
// with a spatial index, then decided exactly) and the service's responsible kind of function
// give the organisation; staff overrides per service and area come first. Never a guess.
import Flatbush from 'flatbush';
import { boundingBox, locateInPolygon, type Polygon } from './point-in-polygon.ts';

export interface RoutingArea {
  ref: string;
  name: string;
  geometry:
    | { type: 'Polygon'; coordinates: number[][][] }
    | { type: 'MultiPolygon'; coordinates: number[][][][] };
  /** Which organisation (ref) performs each kind of function here. */
  coverage: { organisation: string; functions: string[] }[];
}

export interface RoutingOverride {
  service: string;
  area: string;
  organisation: string;
  reason: string;
}

export interface RoutingService {
  code: string;
  name: string;
  responsibleKind: string;
}

export type Route =
  | {
      ok: true;
      organisation: string;
      area: string;
      basis: 'coverage' | 'override';
      /** The point lies exactly on the border of these areas (the chosen one included). */
      onBoundaryOf: string[];
      explanation: string;
    }
  | { ok: false; problem: 'outside' | 'not-provided'; explanation: string };

export const functionNames: Record<string, string> = {
  county_council: 'county council',
  district_council: 'district council',
  unitary_council: 'unitary council',
  nhs_trust: 'NHS trust',
  integrated_care_board: 'integrated care board',
  police: 'police',
  fire_and_rescue: 'fire and rescue',
  school: 'school',
  voluntary_organisation: 'voluntary organisation',
};

const compareRefs = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A routing table over the areas of a place. The rule on borders: a point inside an area
 * belongs to it; a point exactly on a border between areas belongs to every area it touches,
 * and among those that provide the service the one whose reference sorts first is chosen —
 * the same answer every time, and the answer says that the point was on a border.
 */
export function routingTable(
  areas: RoutingArea[],
  overrides: RoutingOverride[] = [],
  organisationNames: Map<string, string> = new Map(),
) {
  const parts: { area: RoutingArea; polygon: Polygon }[] = [];
  for (const area of [...areas].sort((a, b) => compareRefs(a.ref, b.ref))) {
    const polygons =
      area.geometry.type === 'Polygon' ? [area.geometry.coordinates] : area.geometry.coordinates;
    for (const polygon of polygons) parts.push({ area, polygon });
  }
  const index = new Flatbush(Math.max(parts.length, 1));
  for (const part of parts) index.add(...boundingBox(part.polygon));
  if (parts.length === 0) index.add(0, 0, 0, 0);
  index.finish();
  const overridden = new Map(overrides.map((o) => [`${o.service}\n${o.area}`, o]));
  const nameOf = (ref: string) => organisationNames.get(ref) ?? ref;

  /** The areas a point is inside, and those whose border it lies on, each sorted by reference. */
  function locate(lon: number, lat: number): { inside: RoutingArea[]; boundary: RoutingArea[] } {
    const inside = new Map<string, RoutingArea>();
    const boundary = new Map<string, RoutingArea>();
    for (const i of index.search(lon, lat, lon, lat)) {
      const part = parts[i];
      if (!part) continue;
      const where = locateInPolygon(part.polygon, lon, lat);
      if (where === 'inside') inside.set(part.area.ref, part.area);
      else if (where === 'boundary') boundary.set(part.area.ref, part.area);
    }
    // Touching two parts of one MultiPolygon along their shared edge is being inside it.
    for (const ref of inside.keys()) boundary.delete(ref);
    const sorted = (m: Map<string, RoutingArea>) => [...m.values()].sort((a, b) => compareRefs(a.ref, b.ref));
    return { inside: sorted(inside), boundary: sorted(boundary) };
  }

  function provider(area: RoutingArea, service: RoutingService) {
    const override = overridden.get(`${service.code}\n${area.ref}`);
    if (override) return { organisation: override.organisation, basis: 'override' as const, override };
    const covering = area.coverage.find((c) => c.functions.includes(service.responsibleKind));
    return covering ? { organisation: covering.organisation, basis: 'coverage' as const } : null;
  }

  function route(service: RoutingService, lon: number, lat: number): Route {
    const { inside, boundary } = locate(lon, lat);
    const candidates = inside.length > 0 ? inside : boundary;
    if (candidates.length === 0) {
      return { ok: false, problem: 'outside', explanation: 'The location is outside the areas of the place' };
    }
    const kind = functionNames[service.responsibleKind] ?? service.responsibleKind;
    for (const area of candidates) {
      const chosen = provider(area, service);
      if (!chosen) continue;
      const onBoundaryOf = inside.length > 0 ? [] : boundary.map((a) => a.ref);
      const border =
        onBoundaryOf.length > 1
          ? ` The location is exactly on the border of ${boundary.map((a) => a.name).join(' and ')}; a point on a border goes to the area whose reference sorts first (${area.ref}).`
          : '';
      const explanation =
        chosen.basis === 'override'
          ? `${service.name} in ${area.name} is routed to ${nameOf(chosen.organisation)} by a routing override: ${chosen.override?.reason}.${border}`
          : `${service.name} is a ${kind} function; in ${area.name} ${nameOf(chosen.organisation)} performs ${kind} functions.${border}`;
      return {
        ok: true,
        organisation: chosen.organisation,
        area: area.ref,
        basis: chosen.basis,
        onBoundaryOf,
        explanation,
      };
    }
    return {
      ok: false,
      problem: 'not-provided',
      explanation: `No organisation performs ${kind} functions in ${candidates.map((a) => a.name).join(' or ')}`,
    };
  }

  return { locate, route };
}

export type RoutingTable = ReturnType<typeof routingTable>;
