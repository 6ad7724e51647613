-- The exit code of a step's current attempt, once it has ended, when its executor knows it: the
-- local process's code, or on Kubernetes the terminated code of the Job's failing container (0 for
-- a Job that completed). NULL while it runs, and for an attempt whose code is unknown (killed,
-- lost, refused before it started, its pods gone).
ALTER TABLE run_steps ADD COLUMN exit_code INTEGER;
