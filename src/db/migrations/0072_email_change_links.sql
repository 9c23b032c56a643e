-- A link emailed to a new address to confirm that an account's email address may change to it.
ALTER TABLE email_links DROP CONSTRAINT email_links_purpose_check;
ALTER TABLE email_links ADD CONSTRAINT email_links_purpose_check
  CHECK (purpose IN ('register', 'reset-password', 'change-email'));
ALTER TABLE email_links ADD CHECK (purpose <> 'change-email' OR account_id IS NOT NULL);
