-- The gazetteer: every property by its UPRN, with its address and where it is (WGS84).
CREATE TABLE properties (
  uprn bigint PRIMARY KEY CHECK (uprn BETWEEN 1 AND 999999999999),
  address_lines text NOT NULL CHECK (length(address_lines) BETWEEN 1 AND 500),
  town text CHECK (length(town) <= 100),
  postcode text CHECK (postcode ~ '^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$'),
  longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
  latitude double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
  search text GENERATED ALWAYS AS (lower(address_lines || ' ' || coalesce(town, '') || ' ' || coalesce(postcode, ''))) STORED,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX properties_postcode ON properties (postcode);
