-- When the executor acknowledged a step's current attempt: its Job was created (or found under its
-- name and adopted), or its process was started and recorded on disk. A Running step without it
-- may never have been launched (its leader died between the commit and the launch): the next
-- leader launches it again under the same name instead of calling it lost.
ALTER TABLE run_steps ADD COLUMN launched_at TIMESTAMPTZ;

-- Steps Running before this migration were launched by the node that wrote them.
UPDATE run_steps SET launched_at = started_at WHERE status <> 'Pending' AND job_name IS NOT NULL;
