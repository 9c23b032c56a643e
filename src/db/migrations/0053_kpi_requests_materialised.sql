-- The requests' facts for the KPIs, kept as a materialised view that the KPI job refreshes at the
-- start of each run (decision 0015), instead of a view worked out again by every KPI over it.
-- Each case's resolution and reopening come from one pass over case_updates (a hash join),
-- not two lookups a case. The columns are those of the view it replaces.
DROP VIEW kpi_requests;
CREATE MATERIALIZED VIEW kpi_requests AS
  WITH moves AS (
    SELECT case_id,
           min(created_at) FILTER (WHERE status IN ('resolved', 'closed')) AS resolved_at,
           max(created_at) FILTER (WHERE status IN ('open', 'in_progress')) AS last_opened
      FROM case_updates
     WHERE status IS NOT NULL
     GROUP BY case_id
  ), facts AS (
    SELECT c.organisation_id, c.requested_at, c.expected_at, c.service_code, c.channel, c.duplicate_of,
           coalesce(m.resolved_at, CASE WHEN c.status IN ('resolved', 'closed') THEN c.updated_at END) AS resolved_at,
           m.last_opened
      FROM cases c
      LEFT JOIN moves m ON m.case_id = c.id
  )
  SELECT organisation_id,
         date_trunc('month', requested_at AT TIME ZONE 'UTC')::date AS month,
         service_code AS service,
         channel,
         channel IN ('online', 'api') AS self_service,
         channel IN ('phone', 'face_to_face', 'letter') AS assisted,
         duplicate_of IS NOT NULL AS joined,
         resolved_at,
         resolved_at IS NOT NULL AND resolved_at <= expected_at AS resolved_in_time,
         resolved_at IS NOT NULL OR expected_at < now() AS due,
         extract(epoch FROM resolved_at - requested_at) / 86400 AS days_to_resolve,
         resolved_at IS NOT NULL AND last_opened IS NOT NULL AND last_opened > resolved_at AS reopened
    FROM facts
  WITH DATA;
