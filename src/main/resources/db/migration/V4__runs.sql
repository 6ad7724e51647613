-- Runs of workflows. A scheduled time makes at most one run per workflow (exactly once across
-- nodes: a second insert for the same key does nothing). Manual runs are keyed by their id only.
ALTER TABLE workflows ADD COLUMN last_run_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE runs
(
  id             TEXT COLLATE "C" PRIMARY KEY,
  namespace      TEXT COLLATE "C" NOT NULL,
  workflow       TEXT COLLATE "C" NOT NULL,
  seq            BIGINT      NOT NULL,
  trigger        TEXT        NOT NULL,
  status         TEXT        NOT NULL,
  reason         TEXT,
  message        TEXT,
  scheduled_time TIMESTAMPTZ NOT NULL,
  created_at     TIMESTAMPTZ NOT NULL,
  started_at     TIMESTAMPTZ,
  finished_at    TIMESTAMPTZ,
  parameters     JSON        NOT NULL,
  UNIQUE (namespace, workflow, seq),
  FOREIGN KEY (namespace, workflow) REFERENCES workflows (namespace, name) ON DELETE CASCADE
);

CREATE UNIQUE INDEX runs_once_per_scheduled_time
  ON runs (namespace, workflow, scheduled_time) WHERE trigger <> 'manual';

CREATE INDEX runs_history ON runs (namespace, workflow, seq DESC);
