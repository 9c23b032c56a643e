-- Photos on a citizen's report: kept with the draft while they go through the pages, moved to
-- the case in the transaction that stores it. The type is the one found in the bytes (never the
-- one the browser claimed); the size bound here is the most PHOTO_LIMIT_BYTES may allow.
ALTER TABLE case_photos DROP CONSTRAINT case_photos_content_type_check;
ALTER TABLE case_photos DROP CONSTRAINT case_photos_bytes_check;
ALTER TABLE case_photos
  ADD CONSTRAINT case_photos_content_type_check CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  ADD CONSTRAINT case_photos_bytes_check CHECK (length(bytes) BETWEEN 1 AND 20971520),
  ADD COLUMN name text NOT NULL DEFAULT 'photo' CHECK (length(name) BETWEEN 1 AND 200);

CREATE TABLE report_draft_photos (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash text NOT NULL REFERENCES report_drafts (token_hash) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes bytea NOT NULL CHECK (length(bytes) BETWEEN 1 AND 20971520),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_draft_photos_draft ON report_draft_photos (token_hash, created_at);
