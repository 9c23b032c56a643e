-- Emails and texts waiting to go, sent or given up on: written in the same transaction as the
-- change that causes them, sent afterwards, retried with back-off.
CREATE TABLE notification_outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  recipient text NOT NULL CHECK (length(recipient) BETWEEN 3 AND 254),
  template text NOT NULL CHECK (length(template) BETWEEN 1 AND 100),
  personalisation jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(personalisation) = 'object'),
  reference text CHECK (length(reference) <= 100),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts smallint NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text CHECK (length(last_error) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE status = 'pending';
