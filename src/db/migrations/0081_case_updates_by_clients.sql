-- A machine client (client credentials, acting for its organisation) changes cases through the
-- API too: its updates name the client, under its organisation, as a person's name their account.
ALTER TABLE case_updates
  ADD COLUMN author_client_id text REFERENCES oidc_clients (client_id),
  ADD CONSTRAINT case_updates_one_author CHECK (author_account_id IS NULL OR author_client_id IS NULL);
