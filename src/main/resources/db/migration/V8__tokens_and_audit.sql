-- API tokens. Only a SHA-256 of each token is kept: the token itself is shown once, when it is
-- created, and cannot be read back. A revoked token's row is deleted; the audit keeps its story.
CREATE TABLE api_tokens (
  name        TEXT COLLATE "C" PRIMARY KEY,
  token_hash  TEXT NOT NULL UNIQUE,            -- hex SHA-256 of the bearer token
  role        TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  namespaces  TEXT[] NOT NULL DEFAULT '{}',    -- empty: every namespace
  created_at  TIMESTAMPTZ NOT NULL,
  created_by  TEXT NOT NULL,
  expires_at  TIMESTAMPTZ,                     -- null: never
  last_used_at TIMESTAMPTZ                     -- to the minute
);

-- Every change made through the API: who, what, on what, when, from where.
CREATE TABLE audit_events (
  id       BIGSERIAL PRIMARY KEY,
  at       TIMESTAMPTZ NOT NULL,
  actor    TEXT NOT NULL,
  action   TEXT NOT NULL,
  target   TEXT NOT NULL,
  status   INTEGER NOT NULL,
  address  TEXT NOT NULL,
  detail   TEXT
);
