-- Open data: how each service's requests may be published, and the releases of each dataset
-- with their files. A release is immutable: its files are never changed nor deleted; it can
-- only be withdrawn (once, with a reason), after which its files are no longer served.

-- Whether a service's requests are published one by one ('rows'), only as counts, or never.
-- A service without a row here is published only as counts.
CREATE TABLE open_data_services (
  service_code text PRIMARY KEY REFERENCES services (code),
  publication text NOT NULL CHECK (publication IN ('rows', 'counts', 'never'))
);

-- How often each dataset is published by the scheduled job (a dataset without a row: daily).
CREATE TABLE open_data_schedules (
  dataset text PRIMARY KEY CHECK (dataset ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  every_hours integer NOT NULL CHECK (every_hours BETWEEN 1 AND 8784)
);

CREATE TABLE open_data_releases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dataset text NOT NULL CHECK (dataset ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  version integer NOT NULL CHECK (version > 0),
  published_at timestamptz NOT NULL,
  covers_from date NOT NULL,
  covers_to date NOT NULL,
  row_count bigint NOT NULL CHECK (row_count >= 0),
  -- The ledger entry that holds the files' hashes.
  ledger_seq bigint,
  withdrawn_at timestamptz,
  withdrawn_reason text CHECK (length(withdrawn_reason) BETWEEN 1 AND 1000),
  UNIQUE (dataset, version),
  CHECK (covers_from <= covers_to),
  CHECK ((withdrawn_at IS NULL) = (withdrawn_reason IS NULL))
);
CREATE INDEX open_data_releases_latest ON open_data_releases (dataset, version DESC);

CREATE TABLE open_data_files (
  release_id uuid NOT NULL REFERENCES open_data_releases (id),
  format text NOT NULL CHECK (format ~ '^[a-z0-9-]{2,30}$'),
  media_type text NOT NULL,
  byte_size bigint NOT NULL CHECK (byte_size >= 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  PRIMARY KEY (release_id, format)
);

-- A file's bytes in parts of about a megabyte: written and served as a stream.
CREATE TABLE open_data_file_parts (
  release_id uuid NOT NULL,
  format text NOT NULL,
  part integer NOT NULL CHECK (part >= 0),
  bytes bytea NOT NULL,
  PRIMARY KEY (release_id, format, part)
);

-- A release once written stays as it was: only its withdrawal (once) may be set.
CREATE FUNCTION open_data_release_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'open_data_releases' THEN
    IF (OLD.ledger_seq IS NULL OR OLD.ledger_seq = NEW.ledger_seq) AND OLD.withdrawn_at IS NULL
       AND (NEW.id, NEW.dataset, NEW.version, NEW.published_at, NEW.covers_from, NEW.covers_to, NEW.row_count)
         IS NOT DISTINCT FROM
           (OLD.id, OLD.dataset, OLD.version, OLD.published_at, OLD.covers_from, OLD.covers_to, OLD.row_count)
    THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'a release of open data is immutable' USING ERRCODE = 'raise_exception';
END $$;
CREATE TRIGGER open_data_releases_immutable BEFORE UPDATE OR DELETE ON open_data_releases
  FOR EACH ROW EXECUTE FUNCTION open_data_release_unchanged();
CREATE TRIGGER open_data_files_immutable BEFORE UPDATE OR DELETE ON open_data_files
  FOR EACH ROW EXECUTE FUNCTION open_data_release_unchanged();
CREATE TRIGGER open_data_file_parts_immutable BEFORE UPDATE OR DELETE ON open_data_file_parts
  FOR EACH ROW EXECUTE FUNCTION open_data_release_unchanged();
