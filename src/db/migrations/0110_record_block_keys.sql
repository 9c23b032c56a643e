-- What a run over every record leaves for a run over what changed (decision 0012): each record's
-- blocking keys, hashed (src/linkage storedKeys), so that the records sharing a key with a changed
-- record are found by an index instead of by normalising every record again; and how many records
-- held each first and last name, for the weight of agreeing on a rare name.
CREATE TABLE record_block_keys (
  record_id uuid PRIMARY KEY REFERENCES local_records (id) ON DELETE CASCADE,
  -- the version of the record the keys were made from
  record_version integer NOT NULL,
  keys integer[] NOT NULL
);
CREATE INDEX record_block_keys_keys ON record_block_keys USING gin (keys);

CREATE TABLE link_name_counts (
  field text NOT NULL CHECK (field IN ('firstName', 'lastName')),
  value text NOT NULL,
  records integer NOT NULL CHECK (records > 0),
  PRIMARY KEY (field, value)
);

-- The rules the stored keys were made by (STORED_KEYS_VERSION) and how many records the names
-- were counted over; null when the run stored no keys.
ALTER TABLE link_runs ADD COLUMN stored_keys text, ADD COLUMN population integer CHECK (population >= 0);
