-- A run carries the definition it was created from, so that a change to the workflow never
-- changes a run already under way. Its steps get a row each when it starts.
ALTER TABLE runs ADD COLUMN definition JSON;

CREATE TABLE run_steps
(
  run_id      TEXT COLLATE "C" NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name        TEXT COLLATE "C" NOT NULL,
  position    INT         NOT NULL,
  status      TEXT        NOT NULL,
  attempt     INT         NOT NULL,
  job_name    TEXT,
  started_at  TIMESTAMPTZ,
  finished_at TIMESTAMPTZ,
  reason      TEXT,
  message     TEXT,
  PRIMARY KEY (run_id, name)
);

CREATE INDEX runs_active ON runs (status) WHERE status IN ('Pending', 'Running');
