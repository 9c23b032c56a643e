-- The front door: citizens' service requests (cases) routed to the responsible organisation,
-- their public updates and internal notes, referrals between organisations, the routing
-- overrides staff set, and the API keys of trusted Open311 clients.

-- Staff send a service in an area to another organisation than coverage would (a joint contract).
CREATE TABLE routing_overrides (
  service_code text NOT NULL REFERENCES services (code),
  area_id uuid NOT NULL REFERENCES areas (id) ON DELETE CASCADE,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  set_by uuid NOT NULL REFERENCES accounts (id),
  set_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (service_code, area_id)
);

-- Trusted Open311 clients (another council's system, a reporting app): only the key's hash is kept.
CREATE TABLE open311_api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  key_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE cases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The reference citizens quote and Open311's service_request_id.
  reference text NOT NULL UNIQUE CHECK (reference ~ '^[0-9A-Z]{4}-[0-9A-Z]{4}$'),
  token uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  service_code text NOT NULL REFERENCES services (code),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  area_id uuid REFERENCES areas (id),
  route_basis text NOT NULL CHECK (route_basis IN ('coverage', 'override', 'referral')),
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
  address_string text CHECK (length(address_string) <= 500),
  address_id text CHECK (length(address_id) <= 100),
  -- Personal: what the citizen wrote, and how to reach them. Never in a public answer.
  description text CHECK (length(description) <= 4000),
  attributes jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
  media_url text CHECK (length(media_url) <= 2000),
  email text CHECK (length(email) <= 254),
  first_name text CHECK (length(first_name) <= 100),
  last_name text CHECK (length(last_name) <= 100),
  phone text CHECK (length(phone) <= 30),
  device_id text CHECK (length(device_id) <= 200),
  account_ref text CHECK (length(account_ref) <= 200),
  citizen_account_id uuid REFERENCES accounts (id),
  api_key_id uuid REFERENCES open311_api_keys (id),
  marking_level smallint NOT NULL DEFAULT 1 CHECK (marking_level IN (1, 2)),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
  status_reason text CHECK (length(status_reason) <= 1000),
  assignee_account_id uuid REFERENCES accounts (id),
  team text CHECK (length(team) <= 100),
  duplicate_of uuid REFERENCES cases (id),
  requested_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  expected_at timestamptz,
  escalated smallint NOT NULL DEFAULT 0 CHECK (escalated BETWEEN 0 AND 2),
  version integer NOT NULL DEFAULT 1,
  CHECK (status NOT IN ('resolved', 'closed') OR status_reason IS NOT NULL)
);
CREATE INDEX cases_inbox ON cases (organisation_id, status, requested_at DESC);
CREATE INDEX cases_requested ON cases (requested_at DESC);
CREATE INDEX cases_service ON cases (service_code, status, requested_at DESC);
CREATE INDEX cases_citizen ON cases (citizen_account_id) WHERE citizen_account_id IS NOT NULL;
CREATE INDEX cases_overdue ON cases (expected_at) WHERE status IN ('open', 'in_progress');

-- Public updates go to the citizen; internal notes stay with the organisations working the case.
CREATE TABLE case_updates (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases (id),
  kind text NOT NULL CHECK (kind IN ('public', 'internal')),
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  status text CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
  organisation_id uuid REFERENCES organisations (id),
  author_account_id uuid REFERENCES accounts (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_updates_case ON case_updates (case_id, id);

CREATE TABLE referrals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases (id),
  from_organisation_id uuid NOT NULL REFERENCES organisations (id),
  to_organisation_id uuid NOT NULL REFERENCES organisations (id),
  purpose text NOT NULL,
  agreement_id uuid NOT NULL REFERENCES sharing_agreements (id),
  note text NOT NULL CHECK (length(note) BETWEEN 1 AND 4000),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
  decision_reason text CHECK (length(decision_reason) <= 1000),
  created_by uuid NOT NULL REFERENCES accounts (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_by uuid REFERENCES accounts (id),
  decided_at timestamptz,
  CHECK (from_organisation_id <> to_organisation_id),
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  CHECK (status <> 'declined' OR decision_reason IS NOT NULL)
);
CREATE INDEX referrals_case ON referrals (case_id);
CREATE INDEX referrals_to ON referrals (to_organisation_id, status);

-- Photos a citizen adds to a request: type and size checked before they are stored.
CREATE TABLE case_photos (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases (id),
  content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
  bytes bytea NOT NULL CHECK (length(bytes) BETWEEN 1 AND 5242880),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_photos_case ON case_photos (case_id);

-- A citizen's answers while they go through the pages of a report, keyed by the hash of a
-- random token in their cookie; gone once submitted or after a day.
CREATE TABLE report_drafts (
  token_hash text PRIMARY KEY,
  answers jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(answers) = 'object'),
  expires_at timestamptz NOT NULL
);
CREATE INDEX report_drafts_expiry ON report_drafts (expires_at);
