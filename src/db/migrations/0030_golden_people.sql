-- Golden people: the records of every organisation linked into one person by record linkage,
-- with every pair the engine was unsure of kept for clerical review, and the history of people
-- merging and splitting from one linkage run to the next.

-- One run of `flagstone link`: what it saw and decided, and the model it learnt (used again to
-- score matching requests until the next run).
CREATE TABLE link_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  records integer NOT NULL DEFAULT 0 CHECK (records >= 0),
  changed_records integer NOT NULL DEFAULT 0 CHECK (changed_records >= 0),
  candidate_pairs bigint NOT NULL DEFAULT 0 CHECK (candidate_pairs >= 0),
  automatic_links integer NOT NULL DEFAULT 0 CHECK (automatic_links >= 0),
  review_pairs integer NOT NULL DEFAULT 0 CHECK (review_pairs >= 0),
  people integer NOT NULL DEFAULT 0 CHECK (people >= 0),
  model jsonb
);

-- A golden person. The id is stable across runs: a record keeps the person it was linked to
-- unless the evidence (or a reviewer) moves it; a person whose records all moved is retired.
CREATE TABLE people (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_run uuid NOT NULL REFERENCES link_runs (id),
  retired_run uuid REFERENCES link_runs (id),
  -- the person the records went to when this one was merged into another
  merged_into uuid REFERENCES people (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (merged_into IS NULL OR retired_run IS NOT NULL)
);

-- Which person each local record is, and the version of the record the link was made from
-- (a record whose version moved on is "changed" for the next run).
CREATE TABLE person_links (
  record_id uuid PRIMARY KEY REFERENCES local_records (id) ON DELETE CASCADE,
  person_id uuid NOT NULL REFERENCES people (id),
  record_version integer NOT NULL,
  linked_run uuid NOT NULL REFERENCES link_runs (id),
  linked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX person_links_person ON person_links (person_id);

-- A pair of records the engine scored at or above the review threshold, or a pair a reviewer
-- decided on. record_a sorts before record_b. How it was decided: automatic (above the match
-- threshold), review (waiting), not_sure (a reviewer could not tell; still waiting),
-- confirmed (same person) or rejected (different people) by a reviewer. Reviewers' decisions
-- stand on later runs; the engine's figures are refreshed.
CREATE TABLE link_pairs (
  record_a uuid NOT NULL REFERENCES local_records (id) ON DELETE CASCADE,
  record_b uuid NOT NULL REFERENCES local_records (id) ON DELETE CASCADE,
  weight double precision NOT NULL,
  probability double precision NOT NULL CHECK (probability BETWEEN 0 AND 1),
  explanation jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('automatic', 'review', 'not_sure', 'confirmed', 'rejected')),
  decided_by uuid REFERENCES accounts (id),
  decided_at timestamptz,
  decision_note text CHECK (length(decision_note) <= 2000),
  scored_run uuid NOT NULL REFERENCES link_runs (id),
  PRIMARY KEY (record_a, record_b),
  CHECK (record_a < record_b),
  CHECK ((status IN ('automatic', 'review')) = (decided_by IS NULL)),
  CHECK ((decided_by IS NULL) = (decided_at IS NULL))
);
CREATE INDEX link_pairs_record_b ON link_pairs (record_b);
CREATE INDEX link_pairs_waiting ON link_pairs (probability DESC) WHERE status IN ('review', 'not_sure');

-- What happened to people in each run: created, merged (records of several people now one),
-- split (one person's records now several), records linked to or moved away from a person.
CREATE TABLE person_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES link_runs (id),
  person_id uuid NOT NULL REFERENCES people (id),
  event text NOT NULL CHECK (event IN ('created', 'merged', 'split', 'records-added', 'records-removed', 'retired')),
  detail jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX person_history_person ON person_history (person_id, id);
