-- Outcome KPIs. Each KPI is a file in src/outcomes/kpis/definitions/ whose numerator and
-- denominator are SQL aggregates over one of the fact views below. The views are the one
-- contract between the KPIs and the tables of requests and registers (decision 0015): a KPI
-- file names columns of a view, never a table, and a change to an owner's table keeps its view.
-- Every view has the organisation the fact belongs to and the month (UTC) it falls in.

-- Working days (Monday to Friday) after a moment: n = 2 gives the end of the second working day.
CREATE FUNCTION kpi_working_days_after(t timestamptz, n integer) RETURNS timestamptz
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT date_trunc('day', d) + interval '1 day'
      FROM generate_series(t + interval '1 day', t + interval '21 days', interval '1 day') AS d
     WHERE extract(isodow FROM d) < 6
     ORDER BY d OFFSET greatest(n, 1) - 1 LIMIT 1
  $$;

-- One row per request: how it came in, whether it repeated an open one, when it was resolved
-- (its first update to resolved or closed), whether that was by its target, and if it was reopened.
CREATE VIEW kpi_requests AS
  SELECT c.organisation_id,
         date_trunc('month', c.requested_at AT TIME ZONE 'UTC')::date AS month,
         c.service_code AS service,
         c.channel,
         c.channel IN ('online', 'api') AS self_service,
         c.channel IN ('phone', 'face_to_face', 'letter') AS assisted,
         c.duplicate_of IS NOT NULL AS joined,
         r.resolved_at,
         r.resolved_at IS NOT NULL AND r.resolved_at <= c.expected_at AS resolved_in_time,
         -- Whether its outcome is known: resolved, or past its target time unresolved.
         r.resolved_at IS NOT NULL OR c.expected_at < now() AS due,
         extract(epoch FROM r.resolved_at - c.requested_at) / 86400 AS days_to_resolve,
         r.resolved_at IS NOT NULL AND EXISTS (
           SELECT 1 FROM case_updates u
            WHERE u.case_id = c.id AND u.status IN ('open', 'in_progress') AND u.created_at > r.resolved_at
         ) AS reopened
    FROM cases c
    LEFT JOIN LATERAL (
      SELECT coalesce(
               (SELECT min(u.created_at) FROM case_updates u
                 WHERE u.case_id = c.id AND u.status IN ('resolved', 'closed')),
               CASE WHEN c.status IN ('resolved', 'closed') THEN c.updated_at END) AS resolved_at
    ) r ON true;

-- One row per referral, for the organisation it was sent to: answered (accepted or declined),
-- and whether by the end of the second working day after it was made.
CREATE VIEW kpi_referrals AS
  SELECT f.to_organisation_id AS organisation_id,
         date_trunc('month', f.created_at AT TIME ZONE 'UTC')::date AS month,
         f.decided_at IS NOT NULL AS answered,
         f.decided_at IS NOT NULL AND f.decided_at <= kpi_working_days_after(f.created_at, 2) AS answered_in_time,
         f.decided_at IS NOT NULL OR kpi_working_days_after(f.created_at, 2) < now() AS due
    FROM referrals f;

-- One row per request a person made to correct the data an organisation holds about them.
-- Registers keep no time of answering yet: an answered request counts as answered in time.
CREATE VIEW kpi_data_requests AS
  SELECT r.organisation_id,
         date_trunc('month', q.created_at AT TIME ZONE 'UTC')::date AS month,
         q.status <> 'open' AS answered,
         q.status <> 'open' AS answered_in_time,
         q.status <> 'open' OR q.created_at + interval '1 month' < now() AS due
    FROM correction_requests q
    JOIN local_records r ON r.id = q.record_id;

-- One row per organisation's record of a person: whether it is linked into a golden person.
CREATE VIEW kpi_records AS
  SELECT r.organisation_id,
         date_trunc('month', r.created_at AT TIME ZONE 'UTC')::date AS month,
         EXISTS (SELECT 1 FROM person_links l WHERE l.record_id = r.id) AS linked
    FROM local_records r;

-- The KPIs' values by organisation (none: the whole place) and month, written by the KPI job.
-- Recomputed months replace their row; computed_at says when each was last worked out.
CREATE TABLE kpi_values (
  kpi text NOT NULL CHECK (kpi ~ '^[a-z0-9-]{1,60}$'),
  organisation_id uuid REFERENCES organisations (id),
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  numerator double precision,
  denominator double precision NOT NULL CHECK (denominator >= 0),
  value double precision,
  computed_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (kpi, organisation_id, month)
);

-- Each run of the KPI job: when, how long it took, how many values it wrote.
CREATE TABLE kpi_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  kpis integer NOT NULL,
  kpi_values integer NOT NULL
);
