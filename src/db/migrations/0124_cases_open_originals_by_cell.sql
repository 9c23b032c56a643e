-- The search for the open case a new report repeats looked in the band of latitude around the
-- report, along the whole place from west to east: each open case of the service in that band
-- was read, so the search grew with the open cases (about 50 a report at 30,000 open). Keyed by
-- the 0.001-degree band of latitude (about 111 m, so a 100 m box spans at most two), the index is
-- read only inside the box: PostgreSQL skips from band to band and reads each by longitude. The
-- organisation is in the key too, so that no index of the organisation's cases (cases_channel_month,
-- cases_inbox) looks cheaper to the planner, as one did while the table was small.
CREATE INDEX cases_open_originals_by_cell ON cases (service_code, organisation_id, floor(lat * 1000), lon)
  WHERE status IN ('open', 'in_progress') AND duplicate_of IS NULL;
DROP INDEX cases_open_originals;
