-- Links sent by email to confirm a new account's address or to reset a password: only a hash of
-- the token is kept; each link is used once and expires. A registration waits here, its
-- password already hashed, until its link is followed; only then is the account made.
CREATE TABLE email_links (
  token_hash text PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('register', 'reset-password')),
  email text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' AND length(email) <= 254),
  name text CHECK (length(name) BETWEEN 1 AND 200),
  password_hash text CHECK (password_hash LIKE '$argon2id$%'),
  account_id uuid REFERENCES accounts (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (purpose <> 'register' OR (name IS NOT NULL AND password_hash IS NOT NULL)),
  CHECK (purpose <> 'reset-password' OR account_id IS NOT NULL)
);
CREATE INDEX email_links_by_email ON email_links (lower(email), created_at);
