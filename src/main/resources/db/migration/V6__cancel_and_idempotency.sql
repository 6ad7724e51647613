-- Cancel is asked for by any node through the API and carried out by the leader, which stops
-- the run's steps. An Idempotency-Key names a manual run: the same key gives the same run.
ALTER TABLE runs ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE runs ADD COLUMN idempotency_key TEXT;

CREATE UNIQUE INDEX runs_idempotency_key
  ON runs (namespace, workflow, idempotency_key) WHERE idempotency_key IS NOT NULL;
