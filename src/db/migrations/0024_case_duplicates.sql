-- Repeated reports of the same thing are joined to the open case they repeat (cases.duplicate_of).
-- Finding that case looks among the open originals of a service near a point.
CREATE INDEX cases_open_originals ON cases (service_code, lat, lon)
  WHERE status IN ('open', 'in_progress') AND duplicate_of IS NULL;
CREATE INDEX cases_duplicates ON cases (duplicate_of) WHERE duplicate_of IS NOT NULL;
