-- Alerts for an area as well as near a point: a subscription is either within `metres` of a
-- point, or in an area (the area a report is placed in), never both.
ALTER TABLE alert_subscriptions
  ADD COLUMN area_id uuid REFERENCES areas (id) ON DELETE CASCADE,
  ALTER COLUMN lat DROP NOT NULL,
  ALTER COLUMN lon DROP NOT NULL,
  ALTER COLUMN metres DROP NOT NULL,
  ADD CONSTRAINT alert_subscriptions_point_or_area CHECK (
    (area_id IS NULL AND lat IS NOT NULL AND lon IS NOT NULL AND metres IS NOT NULL)
    OR (area_id IS NOT NULL AND lat IS NULL AND lon IS NULL AND metres IS NULL)
  );
