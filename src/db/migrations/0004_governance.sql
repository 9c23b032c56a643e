-- Clearances, data-sharing agreements and the tamper-evident audit ledger.
CREATE TABLE clearances (
  account_id uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  level smallint NOT NULL CHECK (level IN (1, 2)),
  granted_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sharing_agreements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  datasets text[] NOT NULL CHECK (cardinality(datasets) > 0 AND datasets <@ ARRAY['person-records']),
  purposes text[] NOT NULL CHECK (cardinality(purposes) > 0 AND purposes <@ ARRAY['direct_care', 'safeguarding',
    'service_delivery', 'fraud_prevention', 'statistics', 'law_enforcement', 'emergency_response', 'housing_support']),
  lawful_basis text NOT NULL CHECK (lawful_basis IN ('consent', 'contract', 'legal_obligation', 'vital_interests',
    'public_task', 'legitimate_interests')),
  special_category_basis text CHECK (special_category_basis IN ('explicit_consent', 'employment_social_protection',
    'vital_interests', 'not_for_profit_body', 'made_public', 'legal_claims', 'substantial_public_interest',
    'health_social_care', 'public_health', 'archiving_research_statistics')),
  highest_marking smallint NOT NULL CHECK (highest_marking IN (1, 2)),
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'revoked')),
  created_by uuid NOT NULL REFERENCES accounts (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_by uuid REFERENCES accounts (id),
  revoked_at timestamptz,
  revocation_reason text,
  CHECK (ends_on >= starts_on),
  CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);

CREATE TABLE agreement_parties (
  agreement_id uuid NOT NULL REFERENCES sharing_agreements (id) ON DELETE CASCADE,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  signed_by uuid REFERENCES accounts (id),
  signed_at timestamptz,
  PRIMARY KEY (agreement_id, organisation_id),
  CHECK ((signed_by IS NULL) = (signed_at IS NULL))
);
CREATE INDEX agreement_parties_organisation ON agreement_parties (organisation_id);

-- body is the entry as canonical JSON (RFC 8785), exactly the bytes hashed;
-- hash = SHA-256(previous entry's hash || body), the first entry's previous hash being 32 zero bytes.
CREATE TABLE audit_ledger (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  at timestamptz NOT NULL,
  action text NOT NULL,
  actor_account_id uuid,
  subject_account_id uuid,
  decision text CHECK (decision IN ('allow', 'deny')),
  break_glass boolean NOT NULL DEFAULT false,
  body text NOT NULL,
  hash bytea NOT NULL CHECK (length(hash) = 32)
);
CREATE INDEX audit_ledger_subject ON audit_ledger (subject_account_id, seq) WHERE subject_account_id IS NOT NULL;
CREATE INDEX audit_ledger_actor ON audit_ledger (actor_account_id, at);
CREATE INDEX audit_ledger_break_glass ON audit_ledger (seq) WHERE break_glass;

-- Signed tree heads over the first tree_size entries (RFC 9162 Merkle tree, Ed25519 signature).
CREATE TABLE audit_checkpoints (
  tree_size bigint PRIMARY KEY CHECK (tree_size > 0),
  root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
  frontier bytea[] NOT NULL, -- roots of the perfect subtrees so far, so the next head needs only new entries
  key_id text NOT NULL,
  signature bytea NOT NULL,
  signed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_signing_keys (
  key_id text PRIMARY KEY,
  public_key text NOT NULL,
  private_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit ledger is append-only: % on % is refused', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER audit_ledger_append_only BEFORE UPDATE OR DELETE ON audit_ledger
  FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER audit_ledger_no_truncate BEFORE TRUNCATE ON audit_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();

-- Break-glass reads waiting for, or given, a review by an information governance officer.
CREATE TABLE break_glass_reviews (
  ledger_seq bigint PRIMARY KEY REFERENCES audit_ledger (seq),
  reviewed_by uuid NOT NULL REFERENCES accounts (id),
  reviewed_at timestamptz NOT NULL DEFAULT now(),
  outcome text NOT NULL CHECK (outcome IN ('justified', 'not_justified')),
  notes text CHECK (length(notes) <= 2000)
);
