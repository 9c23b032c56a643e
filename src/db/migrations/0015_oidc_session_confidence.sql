-- The identity confidence (an upstream's vector of trust) of the sign-in behind each session of
-- the OpenID Connect provider, so that ID tokens say it: the provider's own session record keeps
-- only the account, acr and amr. A row is replaced at each sign-in and goes with the session.
CREATE TABLE oidc_session_confidence (
  session_uid text PRIMARY KEY,
  identity_confidence text NOT NULL CHECK (identity_confidence IN ('none', 'low', 'medium')),
  expires_at timestamptz NOT NULL
);
