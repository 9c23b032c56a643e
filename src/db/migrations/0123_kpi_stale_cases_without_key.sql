-- The KPI job takes the stale cases with a DELETE that holds its rows until the job's transaction
-- ends; with a primary key, a change to one of those cases (its trigger's INSERT … ON CONFLICT)
-- waited for the whole job. The queue has no key now: a case may be marked stale more than once,
-- and the job takes each once.
ALTER TABLE kpi_stale_cases DROP CONSTRAINT kpi_stale_cases_pkey;

CREATE OR REPLACE FUNCTION kpi_mark_cases_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO kpi_stale_cases SELECT DISTINCT id FROM gone;
  ELSE
    INSERT INTO kpi_stale_cases SELECT DISTINCT id FROM changed;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION kpi_mark_updates_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO kpi_stale_cases SELECT DISTINCT case_id FROM added WHERE status IS NOT NULL;
  RETURN NULL;
END $$;

-- As in 0122, but each stale case taken once however often it was marked.
CREATE OR REPLACE FUNCTION refresh_kpi_requests() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  CREATE TEMP TABLE IF NOT EXISTS kpi_stale_now (case_id uuid PRIMARY KEY) ON COMMIT DELETE ROWS;
  WITH taken AS (DELETE FROM kpi_stale_cases RETURNING case_id)
    INSERT INTO kpi_stale_now SELECT DISTINCT case_id FROM taken;
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
