-- Open311 keys for third-party apps: whom to contact about an app, the organisation it posts
-- for (when it is one of the place's own), the administrator who issued it (none when issued
-- on the command line), and when its key was last replaced.
ALTER TABLE open311_api_keys
  ADD COLUMN contact text CHECK (length(contact) BETWEEN 3 AND 254),
  ADD COLUMN organisation_id uuid REFERENCES organisations (id),
  ADD COLUMN issued_by uuid REFERENCES accounts (id),
  ADD COLUMN rotated_at timestamptz;
