-- The requests' facts for the KPIs, kept up to date case by case instead of worked out again
-- for every case at each run of the KPI job (decision 0015). A case that is added, changed or
-- given a status update is marked stale by the triggers below, in the same transaction as the
-- change; `refresh_kpi_requests()` works out again the facts of the stale cases only. Whether a
-- request is due depends on the time, so it stays in the view, worked out as it is read. The
-- view keeps the columns of the materialised view it replaces: the KPI files are unchanged.
DROP MATERIALIZED VIEW kpi_requests;

CREATE TABLE kpi_request_facts (
  case_id uuid PRIMARY KEY,
  organisation_id uuid NOT NULL,
  month date NOT NULL,
  service text NOT NULL,
  channel text NOT NULL,
  joined boolean NOT NULL,
  expected_at timestamptz,
  resolved_at timestamptz,
  days_to_resolve double precision,
  reopened boolean NOT NULL
);

-- The cases whose facts are to be worked out again.
CREATE TABLE kpi_stale_cases (case_id uuid PRIMARY KEY);

CREATE FUNCTION kpi_mark_cases_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO kpi_stale_cases SELECT DISTINCT id FROM gone ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO kpi_stale_cases SELECT DISTINCT id FROM changed ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER kpi_cases_added AFTER INSERT ON cases
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kpi_mark_cases_stale();
CREATE TRIGGER kpi_cases_changed AFTER UPDATE ON cases
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kpi_mark_cases_stale();
CREATE TRIGGER kpi_cases_removed AFTER DELETE ON cases
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION kpi_mark_cases_stale();

CREATE FUNCTION kpi_mark_updates_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO kpi_stale_cases
    SELECT DISTINCT case_id FROM added WHERE status IS NOT NULL ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER kpi_case_updates_added AFTER INSERT ON case_updates
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION kpi_mark_updates_stale();

-- Works out again the facts of the stale cases (all of them the first time), in one transaction:
-- a case changed while it runs is marked stale again and is worked out at the next run.
-- Each case's resolution and reopening come from one pass over its status updates.
CREATE OR REPLACE FUNCTION refresh_kpi_requests() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  CREATE TEMP TABLE IF NOT EXISTS kpi_stale_now (case_id uuid PRIMARY KEY) ON COMMIT DELETE ROWS;
  WITH taken AS (DELETE FROM kpi_stale_cases RETURNING case_id)
    INSERT INTO kpi_stale_now SELECT case_id FROM taken;
  ANALYZE kpi_stale_now;
  DELETE FROM kpi_request_facts f USING kpi_stale_now s WHERE f.case_id = s.case_id;
  INSERT INTO kpi_request_facts
    WITH moves AS (
      SELECT u.case_id,
             min(u.created_at) FILTER (WHERE u.status IN ('resolved', 'closed')) AS resolved_at,
             max(u.created_at) FILTER (WHERE u.status IN ('open', 'in_progress')) AS last_opened
        FROM case_updates u
        JOIN kpi_stale_now s ON s.case_id = u.case_id
       WHERE u.status IS NOT NULL
       GROUP BY u.case_id
    ), facts AS (
      SELECT c.*,
             coalesce(m.resolved_at, CASE WHEN c.status IN ('resolved', 'closed') THEN c.updated_at END) AS resolved,
             m.last_opened
        FROM cases c
        JOIN kpi_stale_now s ON s.case_id = c.id
        LEFT JOIN moves m ON m.case_id = c.id
    )
    SELECT id, organisation_id, date_trunc('month', requested_at AT TIME ZONE 'UTC')::date, service_code, channel,
           duplicate_of IS NOT NULL, expected_at, resolved,
           extract(epoch FROM resolved - requested_at) / 86400,
           resolved IS NOT NULL AND last_opened IS NOT NULL AND last_opened > resolved
      FROM facts;
END $$;

-- Every case is stale to begin with: the first run works them all out.
INSERT INTO kpi_stale_cases SELECT id FROM cases;

CREATE VIEW kpi_requests AS
  SELECT organisation_id,
         month,
         service,
         channel,
         channel IN ('online', 'api') AS self_service,
         channel IN ('phone', 'face_to_face', 'letter') AS assisted,
         joined,
         resolved_at,
         resolved_at IS NOT NULL AND resolved_at <= expected_at AS resolved_in_time,
         -- Whether its outcome is known: resolved, or past its target time unresolved.
         resolved_at IS NOT NULL OR expected_at < now() AS due,
         days_to_resolve,
         reopened
    FROM kpi_request_facts;
