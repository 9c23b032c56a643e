-- How each request came in (its channel), so that channel shift is measured from real contacts:
-- online (the place's own pages), api (an app or another system, through Open311 or the API),
-- or assisted: staff took it for a caller by phone, face to face or by letter. Past requests
-- came through Open311 with a client's key (api) or through the pages (online). No default:
-- every new request says how it came.
ALTER TABLE cases ADD COLUMN channel text NOT NULL DEFAULT 'online'
  CHECK (channel IN ('online', 'api', 'phone', 'face_to_face', 'letter'));
UPDATE cases SET channel = 'api' WHERE api_key_id IS NOT NULL;
ALTER TABLE cases ALTER COLUMN channel DROP DEFAULT;
-- The staff member who took an assisted request for a caller.
ALTER TABLE cases ADD COLUMN taken_by uuid REFERENCES accounts (id);
ALTER TABLE cases ADD CONSTRAINT cases_taken_by_assisted
  CHECK ((taken_by IS NOT NULL) = (channel IN ('phone', 'face_to_face', 'letter')));
CREATE INDEX cases_channel_month ON cases (organisation_id, requested_at, channel);
