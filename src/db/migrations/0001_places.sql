-- The place, its organisations, the areas they cover and the services they provide.
CREATE TABLE place (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200)
);

CREATE TABLE organisations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ref text NOT NULL UNIQUE CHECK (ref ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('county_council', 'district_council', 'unitary_council', 'nhs_trust',
    'integrated_care_board', 'police', 'fire_and_rescue', 'school', 'voluntary_organisation')),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE areas (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ref text NOT NULL UNIQUE CHECK (ref ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  boundary jsonb NOT NULL CHECK (boundary->>'type' IN ('Polygon', 'MultiPolygon')),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Exactly one organisation performs each kind of function in an area: routing never guesses.
CREATE TABLE area_coverage (
  area_id uuid NOT NULL REFERENCES areas (id) ON DELETE CASCADE,
  function text NOT NULL CHECK (function IN ('county_council', 'district_council', 'unitary_council', 'nhs_trust',
    'integrated_care_board', 'police', 'fire_and_rescue', 'school', 'voluntary_organisation')),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  PRIMARY KEY (area_id, function)
);
CREATE INDEX area_coverage_organisation ON area_coverage (organisation_id);

CREATE TABLE services (
  code text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  lgsl_code integer UNIQUE CHECK (lgsl_code > 0),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
  service_group text NOT NULL CHECK (length(service_group) BETWEEN 1 AND 100),
  responsible_kind text NOT NULL CHECK (responsible_kind IN ('county_council', 'district_council',
    'unitary_council', 'nhs_trust', 'integrated_care_board', 'police', 'fire_and_rescue', 'school',
    'voluntary_organisation')),
  keywords text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
