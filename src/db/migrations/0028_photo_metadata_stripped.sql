-- Photos have been stored without their metadata (where they were taken, the camera, the owner)
-- since it is removed on upload; those stored before still carry it until the job
-- photos.strip-metadata removes it. 'kept': stored as uploaded, metadata and all; 'stripped':
-- without it; 'unreadable': bytes that could not be read as an image, left as they were and not
-- tried again. A draft's photo keeps its state when it moves to the case.
ALTER TABLE case_photos
  ADD COLUMN metadata text NOT NULL DEFAULT 'kept' CHECK (metadata IN ('kept', 'stripped', 'unreadable'));
ALTER TABLE report_draft_photos
  ADD COLUMN metadata text NOT NULL DEFAULT 'kept' CHECK (metadata IN ('kept', 'stripped', 'unreadable'));
-- Only the photos still to do, so the job finds them at once and the index empties as it goes.
CREATE INDEX case_photos_metadata_kept ON case_photos (id) WHERE metadata = 'kept';
CREATE INDEX report_draft_photos_metadata_kept ON report_draft_photos (id) WHERE metadata = 'kept';
