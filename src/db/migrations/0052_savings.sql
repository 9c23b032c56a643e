-- The savings ledger the partners share. A saving (a benefit) is recorded once and never edited:
-- what it is, cashable or not, one-off or recurring (a year's amount), the financial year it
-- falls in, the evidence, and the organisations that share it in what proportions. Its state
-- moves by entries appended after it: planned -> realised -> verified (by another partner), or
-- reversed, with a reason, by a later entry. Every change is also in the audit ledger.
CREATE TABLE savings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
  evidence text NOT NULL CHECK (length(evidence) BETWEEN 1 AND 2000),
  cashable boolean NOT NULL,
  recurring boolean NOT NULL,
  -- In pence: for a recurring saving, each year's amount.
  amount_pence bigint NOT NULL CHECK (amount_pence > 0),
  -- The financial year it starts in, by its first calendar year: 2026 is April 2026 to March 2027.
  financial_year integer NOT NULL CHECK (financial_year BETWEEN 2000 AND 2100),
  recorded_by_organisation uuid NOT NULL REFERENCES organisations (id),
  recorded_by uuid NOT NULL REFERENCES accounts (id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE saving_shares (
  saving_id uuid NOT NULL REFERENCES savings (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  -- Hundredths of a per cent: 10000 is all of it. The shares of a saving add up to 10000.
  share_basis_points integer NOT NULL CHECK (share_basis_points BETWEEN 1 AND 10000),
  PRIMARY KEY (saving_id, organisation_id)
);

CREATE TABLE saving_entries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  saving_id uuid NOT NULL REFERENCES savings (id),
  state text NOT NULL CHECK (state IN ('planned', 'realised', 'verified', 'reversed')),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  account_id uuid NOT NULL REFERENCES accounts (id),
  reason text CHECK (length(reason) <= 1000),
  at timestamptz NOT NULL DEFAULT now(),
  CHECK (state <> 'reversed' OR length(reason) > 0)
);
CREATE INDEX saving_entries_saving ON saving_entries (saving_id, id);

-- Never edited, never removed: a correction is a later entry.
CREATE FUNCTION refuse_saving_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the savings ledger is append-only: % on % is refused', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER savings_append_only BEFORE UPDATE OR DELETE ON savings
  FOR EACH ROW EXECUTE FUNCTION refuse_saving_change();
CREATE TRIGGER saving_shares_append_only BEFORE UPDATE OR DELETE ON saving_shares
  FOR EACH ROW EXECUTE FUNCTION refuse_saving_change();
CREATE TRIGGER saving_entries_append_only BEFORE UPDATE OR DELETE ON saving_entries
  FOR EACH ROW EXECUTE FUNCTION refuse_saving_change();
