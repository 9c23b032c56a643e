-- Outcome KPIs kept as they were published (decision 0024). kpi_values holds the latest
-- computation and is replaced by every run of the KPI job; once a month and the month after it
-- have ended (late resolutions are in by then), the job keeps that month's values here, once.
-- They are never changed after: the open dataset of KPIs publishes these, so a past month's
-- value is the same in every release, and the same as it was when first published.
CREATE TABLE kpi_snapshots (
  kpi text NOT NULL CHECK (kpi ~ '^[a-z0-9-]{1,60}$'),
  organisation_id uuid REFERENCES organisations (id),
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  numerator double precision,
  denominator double precision NOT NULL CHECK (denominator >= 0),
  value double precision,
  kept_at timestamptz NOT NULL,
  UNIQUE NULLS NOT DISTINCT (kpi, organisation_id, month)
);

CREATE FUNCTION refuse_kpi_snapshot_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a kept KPI value is never changed or deleted';
END $$;
CREATE TRIGGER kpi_snapshots_kept BEFORE UPDATE OR DELETE ON kpi_snapshots
  FOR EACH ROW EXECUTE FUNCTION refuse_kpi_snapshot_change();

-- One row per "has it been fixed?" question, for the organisation of its case, in the month it
-- was answered (sent, while it is not): answered, and whether the answer was that it was fixed.
CREATE VIEW kpi_questionnaires AS
  SELECT c.organisation_id,
         date_trunc('month', coalesce(q.answered_at, q.sent_at) AT TIME ZONE 'UTC')::date AS month,
         q.answered_at IS NOT NULL AS answered,
         coalesce(q.fixed, false) AS fixed
    FROM questionnaires q
    JOIN cases c ON c.id = q.case_id;
