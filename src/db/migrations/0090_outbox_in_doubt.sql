-- A message whose send was cut off before Notify answered (a time-out, a lost connection, a
-- sender that died) may have been sent: before sending it again, Notify is asked for it by its
-- reference (the outbox id).
ALTER TABLE notification_outbox ADD COLUMN in_doubt boolean NOT NULL DEFAULT false;
