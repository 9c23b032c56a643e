-- Witnesses (decision 0022): other Flagstones, or any HTTPS endpoint speaking the same JSON, that
-- are sent each new signed tree head with a proof that it extends the last one they saw, and
-- answer with a co-signature. The ledger's side: the witnesses it sends to and their answers.
CREATE TABLE audit_witnesses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  url text NOT NULL UNIQUE CHECK (url ~ '^https?://' AND length(url) <= 2000),
  added_at timestamptz NOT NULL DEFAULT now(),
  -- The witness's key, learnt from its first co-signature and held to after.
  key_id text,
  public_key text,
  -- The size of the last head it co-signed: the next is sent with a proof from there.
  tree_size bigint NOT NULL DEFAULT 0 CHECK (tree_size >= 0),
  last_error text CHECK (length(last_error) <= 500),
  tried_at timestamptz,
  CHECK ((key_id IS NULL) = (public_key IS NULL))
);

-- Co-signatures, added and never changed: a head's witnesses are published with it.
CREATE TABLE audit_cosignatures (
  tree_size bigint NOT NULL REFERENCES audit_checkpoints (tree_size),
  witness_id uuid NOT NULL REFERENCES audit_witnesses (id),
  key_id text NOT NULL,
  signed_at timestamptz NOT NULL,
  signature bytea NOT NULL,
  PRIMARY KEY (tree_size, witness_id)
);
CREATE TRIGGER audit_cosignatures_append_only BEFORE UPDATE OR DELETE ON audit_cosignatures
  FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER audit_cosignatures_no_truncate BEFORE TRUNCATE ON audit_cosignatures
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();

-- This Flagstone as a witness: the logs it was told to watch, each with the key it holds the log
-- to and the last head it co-signed. A head is co-signed only if signed by that key, no smaller,
-- and proved to extend this one.
CREATE TABLE witnessed_logs (
  log_url text PRIMARY KEY CHECK (log_url ~ '^https?://' AND length(log_url) <= 2000),
  key_id text NOT NULL,
  public_key text NOT NULL,
  tree_size bigint NOT NULL CHECK (tree_size >= 0),
  root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The app role adds co-signatures and never changes them (0115).
INSERT INTO app_role_limits (table_name, privileges) VALUES ('audit_cosignatures', 'SELECT, INSERT');
