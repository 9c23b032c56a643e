-- Federation: upstream OpenID Connect providers people sign in to Flagstone through — a national
-- identity service for citizens, an organisation's own provider for its staff — and which
-- upstream identity (issuer and subject) is which Flagstone account.
CREATE TABLE upstream_providers (
  slug text PRIMARY KEY CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- Who signs in through it: citizens, or the staff of one organisation.
  kind text NOT NULL CHECK (kind IN ('citizen', 'staff')),
  organisation_id uuid REFERENCES organisations (id),
  -- The one issuer whose tokens are accepted from it (discovery at issuer/.well-known/...).
  issuer text NOT NULL CHECK (issuer ~ '^https?://'),
  client_id text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 200),
  client_secret text NOT NULL,
  -- Vectors of trust asked for (GOV.UK One Login style, e.g. Cl.Cm.P2); NULL when not used.
  vtr text CHECK (vtr ~ '^[A-Za-z0-9.]+$'),
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'staff') = (organisation_id IS NOT NULL))
);

CREATE TABLE upstream_identities (
  provider_slug text NOT NULL REFERENCES upstream_providers (slug) ON DELETE CASCADE,
  subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  linked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider_slug, subject)
);
CREATE INDEX upstream_identities_account ON upstream_identities (account_id);

-- How sure the upstream was of who the person is, for sessions signed in through one.
ALTER TABLE sessions
  ADD COLUMN identity_confidence text CHECK (identity_confidence IN ('none', 'low', 'medium')),
  ADD COLUMN upstream text;
