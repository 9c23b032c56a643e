-- Flagstone as the place's OpenID Connect provider: its signing keys, the relying parties
-- (clients) registered with it, and what the provider stores between requests.

-- Signing keys for ID tokens and access tokens. The newest unretired key signs; retired keys
-- stay published in the JWKS until every token they signed has expired.
CREATE TABLE oidc_signing_keys (
  kid text PRIMARY KEY,
  private_jwk jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  CHECK (retired_at IS NULL OR retired_at >= created_at)
);
-- At most one key signs at a time.
CREATE UNIQUE INDEX oidc_signing_keys_current ON oidc_signing_keys ((retired_at IS NULL)) WHERE retired_at IS NULL;

-- Relying parties: other systems of the place that sign people in through Flagstone, and
-- machine clients (agency systems) that call Flagstone's API for their organisation.
CREATE TABLE oidc_clients (
  client_id text PRIMARY KEY CHECK (length(client_id) BETWEEN 8 AND 100),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- public: no secret (a browser or mobile app; PKCE); secret: client_secret_basic;
  -- private_key_jwt: proves itself with a key whose public half is in jwks.
  auth_method text NOT NULL CHECK (auth_method IN ('none', 'client_secret_basic', 'private_key_jwt')),
  client_secret text,
  jwks jsonb,
  redirect_uris text[] NOT NULL DEFAULT '{}',
  post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
  grant_types text[] NOT NULL DEFAULT '{authorization_code,refresh_token}',
  scopes text[] NOT NULL DEFAULT '{openid,profile,email}',
  -- The organisation a machine client acts for (client_credentials).
  organisation_id uuid REFERENCES organisations (id),
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((auth_method = 'client_secret_basic') = (client_secret IS NOT NULL)),
  CHECK (auth_method <> 'private_key_jwt' OR jwks IS NOT NULL),
  CHECK (grant_types <@ '{authorization_code,refresh_token,client_credentials}'::text[]),
  CHECK (NOT ('authorization_code' = ANY (grant_types)) OR cardinality(redirect_uris) > 0),
  CHECK (NOT ('client_credentials' = ANY (grant_types)) OR (auth_method <> 'none' AND organisation_id IS NOT NULL)),
  CHECK ('openid' = ANY (scopes) OR NOT ('authorization_code' = ANY (grant_types)))
);

-- The provider's own records: interactions, its sessions, grants, authorization codes,
-- refresh tokens and the like, each a JSON payload with an expiry.
CREATE TABLE oidc_payloads (
  model text NOT NULL,
  id text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  uid text,
  user_code text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX oidc_payloads_grant ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_payloads_uid ON oidc_payloads (uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_payloads_user_code ON oidc_payloads (user_code) WHERE user_code IS NOT NULL;
CREATE INDEX oidc_payloads_expiry ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL;
