-- When a case was last escalated: the manager is told a day after the team was, not a day
-- after the target (cases escalated before this was kept count from their target, as they did).
ALTER TABLE cases ADD COLUMN escalated_at timestamptz;
UPDATE cases SET escalated_at = expected_at WHERE escalated > 0;
