-- Staff may split a record out of a golden person, or merge two people, giving a reason. The
-- decision is written as reviewers' decisions on pairs of records (so every later linkage run
-- keeps to it) and takes effect at once; people's history says who decided, when and why.

-- A pair decided by staff need not have been scored by the engine: its figures come with the
-- next run that scores it.
ALTER TABLE link_pairs
  ALTER COLUMN weight DROP NOT NULL,
  ALTER COLUMN probability DROP NOT NULL,
  ALTER COLUMN explanation DROP NOT NULL,
  ALTER COLUMN scored_run DROP NOT NULL,
  ADD CONSTRAINT link_pairs_scored_unless_decided CHECK (
    status IN ('confirmed', 'rejected')
    OR (weight IS NOT NULL AND probability IS NOT NULL AND explanation IS NOT NULL AND scored_run IS NOT NULL)
  );

-- A person made or retired by a decision of staff rather than by a linkage run.
ALTER TABLE people
  ALTER COLUMN created_run DROP NOT NULL,
  ADD COLUMN retired_at timestamptz,
  DROP CONSTRAINT people_check,
  ADD CONSTRAINT people_merged_when_retired CHECK (
    merged_into IS NULL OR retired_run IS NOT NULL OR retired_at IS NOT NULL
  );

-- History written by a run, or by a member of staff with their reason.
ALTER TABLE person_history
  ALTER COLUMN run_id DROP NOT NULL,
  ADD COLUMN decided_by uuid REFERENCES accounts (id),
  ADD COLUMN reason text CHECK (length(reason) BETWEEN 1 AND 2000),
  ADD CONSTRAINT person_history_run_or_staff CHECK (
    (run_id IS NULL) = (decided_by IS NOT NULL) AND (decided_by IS NULL) = (reason IS NULL)
  );
