-- Acting on someone's behalf: a citizen lets another person (a carer) or an organisation (an
-- advice charity) act for them, for chosen services, until a date; revocable at any time.
CREATE TABLE delegations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  citizen_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- Exactly one of: the person who may act, or the organisation whose staff may.
  delegate_account_id uuid REFERENCES accounts (id) ON DELETE CASCADE,
  delegate_organisation_id uuid REFERENCES organisations (id),
  services text[] NOT NULL CHECK (cardinality(services) > 0 AND services <@ ARRAY['your-data', 'requests']),
  -- The last day it can be used.
  ends_on date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CHECK ((delegate_account_id IS NULL) <> (delegate_organisation_id IS NULL)),
  CHECK (delegate_account_id IS DISTINCT FROM citizen_id)
);
CREATE INDEX delegations_citizen ON delegations (citizen_id);
CREATE INDEX delegations_delegate ON delegations (delegate_account_id) WHERE delegate_account_id IS NOT NULL;
CREATE INDEX delegations_organisation ON delegations (delegate_organisation_id)
  WHERE delegate_organisation_id IS NOT NULL;
