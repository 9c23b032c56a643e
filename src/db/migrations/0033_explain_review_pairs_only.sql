-- Only pairs waiting for a reviewer carry their explanation: automatic pairs are many and no
-- page shows theirs, and writing every one made storing a run's result its slowest part.
ALTER TABLE link_pairs
  DROP CONSTRAINT link_pairs_scored_unless_decided,
  ADD CONSTRAINT link_pairs_scored_unless_decided CHECK (
    status IN ('confirmed', 'rejected') OR (weight IS NOT NULL AND probability IS NOT NULL AND scored_run IS NOT NULL)
  ),
  ADD CONSTRAINT link_pairs_waiting_explained CHECK (status NOT IN ('review', 'not_sure') OR explanation IS NOT NULL);
