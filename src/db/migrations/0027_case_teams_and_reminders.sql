-- Teams within an organisation that cases are assigned to, with the mailbox they are told
-- through (escalations, reminders); and when the assignee was last reminded of a case's target.
CREATE TABLE teams (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  email text CHECK (email ~ '^[^\s@]+@[^\s@]+\.[^\s@]+$' AND length(email) <= 254),
  UNIQUE (organisation_id, name)
);

ALTER TABLE cases ADD COLUMN reminded_at timestamptz;
CREATE INDEX cases_assignee ON cases (organisation_id, assignee_account_id) WHERE assignee_account_id IS NOT NULL;
