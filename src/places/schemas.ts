// The shapes of the places API: each validates input, types the handlers and documents the API.
import { type Static, Type } from 'typebox';

export const organisationKinds = [
  'county_council',
  'district_council',
  'unitary_council',
  'nhs_trust',
  'integrated_care_board',
  'police',
  'fire_and_rescue',
  'school',
  'voluntary_organisation',
] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

const Ref = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'Short lowercase identifier' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
export const Kind = Type.Enum(organisationKinds, {
  description: 'Kind of organisation (or of function, for coverage and responsibility)',
});

export const Place = Type.Object({ name: Name });

export const NewOrganisation = Type.Object(
  { ref: Ref, name: Name, kind: Kind },
  { additionalProperties: false },
);
export const Organisation = Type.Object({ ref: Ref, name: Name, kind: Kind });
export type Organisation = Static<typeof Organisation>;

const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 3 });
const Ring = Type.Array(Position, { minItems: 4 });
export const Boundary = Type.Union([
  Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Ring, { minItems: 1 }) }),
  Type.Object({
    type: Type.Literal('MultiPolygon'),
    coordinates: Type.Array(Type.Array(Ring, { minItems: 1 }), { minItems: 1 }),
  }),
]);
export type Boundary = Static<typeof Boundary>;

export const Coverage = Type.Object({
  organisation: Ref,
  functions: Type.Array(Kind, { minItems: 1, uniqueItems: true }),
});
export type Coverage = Static<typeof Coverage>;

export const NewArea = Type.Object(
  { ref: Ref, name: Name, boundary: Boundary, coverage: Type.Array(Coverage) },
  { additionalProperties: false },
);
export type NewArea = Static<typeof NewArea>;

/** An area as a GeoJSON Feature. */
export const AreaFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Ref,
  geometry: Boundary,
  properties: Type.Object({ ref: Ref, name: Name, coverage: Type.Array(Coverage) }),
});
export type AreaFeature = Static<typeof AreaFeature>;

export const AreaCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(AreaFeature),
});

export const Service = Type.Object(
  {
    code: Ref,
    lgslCode: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
      description: 'Local Government Service List code, where one exists',
    }),
    name: Name,
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    group: Type.String({ minLength: 1, maxLength: 100 }),
    responsibleKind: Kind,
    keywords: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 30 }),
  },
  { additionalProperties: false },
);
export type Service = Static<typeof Service>;

export const ServiceQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Words to look for in names and keywords' })),
  group: Type.Optional(Type.String({ maxLength: 100 })),
});
