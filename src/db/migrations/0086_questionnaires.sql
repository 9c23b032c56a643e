-- "Has it been fixed?": some weeks after a case is resolved (per service, four by default), the
-- person who reported it is asked by email, through a link of their own (only its hash is
-- kept), whether it was fixed. A "no" reopens the case with their words.
CREATE TABLE questionnaire_settings (
  service_code text PRIMARY KEY REFERENCES services (code),
  weeks smallint NOT NULL CHECK (weeks BETWEEN 1 AND 52)
);

CREATE TABLE questionnaires (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL UNIQUE REFERENCES cases (id),
  token_hash text NOT NULL UNIQUE,
  sent_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  answered_at timestamptz,
  fixed boolean,
  CHECK ((answered_at IS NULL) = (fixed IS NULL))
);
