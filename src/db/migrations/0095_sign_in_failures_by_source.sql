-- Wrong passwords are counted for each account from each address (a hash of it), so that one
-- address guessing at an account is stopped without locking the account's owner out elsewhere.
ALTER TABLE sign_in_failures ADD COLUMN source_key text NOT NULL DEFAULT '';
DROP INDEX sign_in_failures_key;
CREATE INDEX sign_in_failures_key ON sign_in_failures (email_key, source_key, failed_at);
