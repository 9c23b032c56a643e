-- What a run over every record leaves for a run over what changed (decision 0012): each record's
-- blocking keys, hashed (src/linkage storedKeys), so that the records sharing a key with a changed
-- record are found without normalising every record again; and how many records held each first
-- and last name, for the weight of agreeing on a rare name.
--
-- The keys are kept in chunks of many records (read in order of id, a later chunk's keys of a
-- record replacing an earlier one's): a run over every record writes a few dozen rows instead of
-- a row a record, and a run over what changed adds one chunk of the changed records. An index
-- on the keys themselves (GIN) cost more to write and to ask than reading them all.
CREATE TABLE link_kept_keys (
  id bigserial PRIMARY KEY,
  record_ids uuid[] NOT NULL,
  -- per record, one 32-bit key a blocking rule (little-endian; 0: no key for that rule)
  keys bytea NOT NULL,
  rules smallint NOT NULL CHECK (rules BETWEEN 1 AND 16),
  CHECK (length(keys) = cardinality(record_ids) * rules * 4)
);

CREATE TABLE link_name_counts (
  field text NOT NULL CHECK (field IN ('firstName', 'lastName')),
  value text NOT NULL,
  records integer NOT NULL CHECK (records > 0),
  PRIMARY KEY (field, value)
);

-- The rules the kept keys were made by (STORED_KEYS_VERSION) and how many records the names
-- were counted over; null when the run kept no keys.
ALTER TABLE link_runs ADD COLUMN stored_keys text, ADD COLUMN population integer CHECK (population >= 0);

-- A run asks how many pairs were decided since the last run, and matching asks for the last run:
-- neither should read every pair.
CREATE INDEX link_pairs_decided ON link_pairs (decided_at) WHERE decided_at IS NOT NULL;
