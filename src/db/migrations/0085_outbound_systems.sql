-- An organisation's own systems (a highways asset system, a waste system) that its cases are
-- sent on to by Open311 GeoReport v2, configured by administrators: the endpoint, the key
-- (sealed: only the sender can open it), which services go there under which remote code,
-- whether contact details may go too, and the hash of the token the system pushes updates with.
CREATE TABLE outbound_systems (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  endpoint text NOT NULL CHECK (endpoint ~ '^https?://' AND length(endpoint) <= 500),
  jurisdiction_id text CHECK (length(jurisdiction_id) <= 200),
  api_key_sealed text NOT NULL,
  send_contact boolean NOT NULL DEFAULT false,
  push_token_hash text NOT NULL UNIQUE,
  -- The newest updated_datetime read from the system's updates: the next poll asks from there.
  updates_since timestamptz,
  created_by uuid REFERENCES accounts (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, name)
);

-- Which of the organisation's services go to which system: one system a service.
CREATE TABLE outbound_services (
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  service_code text NOT NULL REFERENCES services (code),
  system_id uuid NOT NULL REFERENCES outbound_systems (id) ON DELETE CASCADE,
  remote_code text NOT NULL CHECK (length(remote_code) BETWEEN 1 AND 200),
  PRIMARY KEY (organisation_id, service_code)
);

-- Each case sent on: waiting (with the time of its next try), sent (with the remote
-- service_request_id) or failed after its last try; the error kept is the kind, never the case.
CREATE TABLE outbound_sends (
  case_id uuid PRIMARY KEY REFERENCES cases (id),
  system_id uuid NOT NULL REFERENCES outbound_systems (id) ON DELETE CASCADE,
  state text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL,
  last_error text CHECK (length(last_error) <= 300),
  remote_id text CHECK (length(remote_id) <= 200),
  sent_at timestamptz,
  -- The updated_datetime of the newest remote update applied: older ones change nothing.
  remote_updated_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((state = 'sent') = (remote_id IS NOT NULL)),
  UNIQUE (system_id, remote_id)
);
CREATE INDEX outbound_sends_due ON outbound_sends (next_attempt_at) WHERE state = 'waiting';

-- The updates from a system already applied, by its update_id: a repeat changes nothing.
CREATE TABLE outbound_updates (
  system_id uuid NOT NULL REFERENCES outbound_systems (id) ON DELETE CASCADE,
  update_id text NOT NULL CHECK (length(update_id) BETWEEN 1 AND 200),
  case_id uuid NOT NULL REFERENCES cases (id),
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (system_id, update_id)
);
