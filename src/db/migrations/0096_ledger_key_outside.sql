-- The key that signs the ledger's checkpoints lives outside the database (FLAGSTONE_LEDGER_KEY):
-- whoever holds the database can no longer sign a tree head with it. Public keys stay, so that
-- every checkpoint signed so far can still be checked.
ALTER TABLE audit_signing_keys DROP COLUMN private_key;
