-- Local alerts by email: new reports within a distance of a point, for the services chosen (all
-- when none). Sent only once the address is confirmed through the link emailed to it; each
-- email carries a link that ends the subscription in one click. Only the links' hashes are kept.
CREATE TABLE alert_subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
  metres integer NOT NULL CHECK (metres BETWEEN 50 AND 10000),
  services text[] NOT NULL DEFAULT '{}',
  confirm_hash text NOT NULL UNIQUE,
  unsubscribe_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  -- Reports made up to this time have been sent (or were made before the subscription began).
  sent_up_to timestamptz NOT NULL
);
CREATE INDEX alert_subscriptions_confirmed ON alert_subscriptions (confirmed_at) WHERE confirmed_at IS NOT NULL;
