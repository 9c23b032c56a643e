-- A second factor (TOTP, an authenticator app) per account, and sign-ins waiting for it.
CREATE TABLE second_factors (
  account_id uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  totp_secret text NOT NULL CHECK (totp_secret ~ '^[A-Z2-7]{32}$'),
  -- NULL until the person has proved they set it up by entering a code.
  enrolled_at timestamptz,
  -- The last time step a code was accepted for: a code is never accepted twice.
  last_step bigint NOT NULL DEFAULT 0
);

-- A password checked, the second factor not yet: only a hash of the id is kept, as for sessions.
CREATE TABLE pending_sign_ins (
  id_hash text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  expires_at timestamptz NOT NULL
);
