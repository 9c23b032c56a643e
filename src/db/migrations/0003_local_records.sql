-- Each organisation's own records of people: the first personal data on the platform.
CREATE TABLE local_records (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  local_ref text NOT NULL CHECK (length(local_ref) BETWEEN 1 AND 100),
  given_names text NOT NULL CHECK (length(given_names) BETWEEN 1 AND 200),
  family_name text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 200),
  date_of_birth date CHECK (date_of_birth > '1880-01-01'),
  address_line text CHECK (length(address_line) <= 300),
  town text CHECK (length(town) <= 100),
  postcode text CHECK (postcode ~ '^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$'),
  uprn bigint CHECK (uprn BETWEEN 1 AND 999999999999),
  nhs_number text CHECK (nhs_number ~ '^[0-9]{10}$'),
  phone text CHECK (length(phone) <= 30),
  email text CHECK (length(email) <= 254),
  subject_account_id uuid REFERENCES accounts (id),
  marking text NOT NULL CHECK (marking IN ('OFFICIAL', 'OFFICIAL-SENSITIVE')),
  handling text CHECK (handling IN ('PERSONAL', 'COMMERCIAL', 'LOCSEN')),
  marking_level smallint NOT NULL GENERATED ALWAYS AS (CASE marking WHEN 'OFFICIAL' THEN 1 ELSE 2 END) STORED,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, local_ref)
);
CREATE INDEX local_records_family_name ON local_records (lower(family_name));
CREATE INDEX local_records_date_of_birth ON local_records (date_of_birth);
CREATE INDEX local_records_postcode ON local_records (postcode);
CREATE INDEX local_records_nhs_number ON local_records (nhs_number);
CREATE INDEX local_records_subject ON local_records (subject_account_id);

-- A citizen's request to correct a record, for the organisation that holds it.
CREATE TABLE correction_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  record_id uuid NOT NULL REFERENCES local_records (id),
  account_id uuid NOT NULL REFERENCES accounts (id),
  details text NOT NULL CHECK (length(details) BETWEEN 1 AND 2000),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'refused')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX correction_requests_record ON correction_requests (record_id);
