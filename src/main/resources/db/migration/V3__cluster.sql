-- Nodes and the leader lease. One lease row, "engine": whoever holds it unexpired runs the engine.
-- fencing_token grows by one at every change of holder; every engine write names the token it
-- was granted, so a former leader that was paused past its lease cannot write after a takeover.
CREATE TABLE cluster_nodes
(
  id         TEXT COLLATE "C" PRIMARY KEY,
  started_at TIMESTAMPTZ NOT NULL,
  last_seen  TIMESTAMPTZ NOT NULL
);

CREATE TABLE leader_lease
(
  name          TEXT COLLATE "C" PRIMARY KEY,
  holder        TEXT,
  acquired_at   TIMESTAMPTZ,
  expires_at    TIMESTAMPTZ NOT NULL,
  fencing_token BIGINT      NOT NULL
);

-- Pre-inserted, so that acquiring is always an UPDATE of an existing row: two nodes racing to
-- insert the first row would otherwise need retry logic for the unique violation.
INSERT INTO leader_lease (name, holder, acquired_at, expires_at, fencing_token)
VALUES ('engine', NULL, NULL, TIMESTAMPTZ 'epoch', 0);
