-- What each council spends over £500 and the contracts it lets over £5,000, as the Local
-- Government Transparency Code 2015 asks it to publish: loaded from the finance system's files
-- (`flagstone import spending|contracts`), a file whole or not at all. Open data publishes them.

CREATE TABLE spending_lines (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  spent_on date NOT NULL,
  department text NOT NULL CHECK (length(department) BETWEEN 1 AND 200),
  beneficiary text NOT NULL CHECK (length(beneficiary) BETWEEN 1 AND 300),
  -- A payment to a person (a sole trader, a foster carer, a personal budget) is published without their name.
  beneficiary_type text NOT NULL CHECK (beneficiary_type IN ('company', 'charity', 'public_body', 'sole_trader', 'individual')),
  beneficiary_registration text CHECK (length(beneficiary_registration) <= 50),
  purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 500),
  merchant_category text CHECK (length(merchant_category) <= 200),
  amount numeric(14, 2) NOT NULL,
  irrecoverable_vat numeric(14, 2),
  transaction_number text CHECK (length(transaction_number) <= 100),
  loaded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, transaction_number)
);
CREATE INDEX spending_lines_date ON spending_lines (spent_on, id);

CREATE TABLE contracts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
  department text NOT NULL CHECK (length(department) BETWEEN 1 AND 200),
  supplier text NOT NULL CHECK (length(supplier) BETWEEN 1 AND 300),
  supplier_type text NOT NULL CHECK (supplier_type IN ('company', 'charity', 'public_body', 'sole_trader', 'individual')),
  supplier_registration text CHECK (length(supplier_registration) <= 50),
  sme_or_vcse boolean NOT NULL DEFAULT false,
  procurement_method text NOT NULL CHECK (procurement_method IN ('open', 'selective', 'limited', 'direct')),
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  review_on date,
  value numeric(14, 2) NOT NULL CHECK (value >= 0),
  irrecoverable_vat numeric(14, 2),
  loaded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, reference),
  CHECK (starts_on <= ends_on)
);
CREATE INDEX contracts_start ON contracts (starts_on, id);
