-- Firing reads one narrow row per workflow instead of one Quartz trigger per workflow: the due
-- scan locks the rows whose next_fire_time has come (SKIP LOCKED), records their runs and moves
-- them on, a thousand at a time. Run seqs are taken from this row too, not from the wide
-- workflows row. The cron, zone, deadline, parameters and history limits are copies of the
-- definition's, kept by ScheduleSync in the transaction that stores it, so neither firing nor
-- history cleanup has to read definitions.
CREATE TABLE schedules
(
  namespace                 TEXT COLLATE "C" NOT NULL,
  name                      TEXT COLLATE "C" NOT NULL,
  uid                       UUID        NOT NULL,
  generation                BIGINT      NOT NULL,
  -- NULL: the workflow has no schedule (API-triggered only).
  cron                      TEXT,
  time_zone                 TEXT        NOT NULL,
  suspended                 BOOLEAN     NOT NULL,
  starting_deadline_seconds BIGINT,
  -- The earliest scheduled time not yet fired; NULL when there is none (no schedule, suspended,
  -- or a cron that never fires again).
  next_fire_time            TIMESTAMPTZ,
  last_run_seq              BIGINT      NOT NULL DEFAULT 0,
  successful_history_limit  INT         NOT NULL,
  failed_history_limit      INT         NOT NULL,
  -- The definition's parameters, which a scheduled run starts with.
  parameters                JSON        NOT NULL DEFAULT '{}',
  PRIMARY KEY (namespace, name),
  FOREIGN KEY (namespace, name) REFERENCES workflows (namespace, name) ON DELETE CASCADE
);

CREATE INDEX schedules_due ON schedules (next_fire_time) WHERE next_fire_time IS NOT NULL;

-- Every stored generation of a definition, with the server metadata, as the engine reads it. A
-- run names the generation it was created from instead of carrying a copy (old runs keep theirs
-- in runs.definition). A change of metadata alone keeps the generation and rewrites its row; the
-- spec of a generation never changes.
CREATE TABLE workflow_definitions
(
  uid        UUID   NOT NULL REFERENCES workflows (uid) ON DELETE CASCADE,
  generation BIGINT NOT NULL,
  definition JSON   NOT NULL,
  PRIMARY KEY (uid, generation)
);

ALTER TABLE runs ADD COLUMN workflow_uid UUID;
ALTER TABLE runs ADD COLUMN generation BIGINT;
ALTER TABLE runs ADD FOREIGN KEY (workflow_uid, generation)
  REFERENCES workflow_definitions (uid, generation) ON DELETE CASCADE;

-- The existing workflows' current generations. Their stored definitions lack the server metadata
-- (uid, resourceVersion, ...) that ScheduleSync writes from now on; the engine reads the spec only.
INSERT INTO workflow_definitions (uid, generation, definition)
SELECT uid, generation, definition FROM workflows;

-- next_fire_time: the old trigger's, where there is one (trigger name and group are the
-- workflow's name and namespace, see the former TriggerSync). A scheduled, unsuspended workflow
-- without one is given its next time by ScheduleSync at startup: SQL cannot read our cron.
INSERT INTO schedules (namespace, name, uid, generation, cron, time_zone, suspended,
                       starting_deadline_seconds, next_fire_time, last_run_seq,
                       successful_history_limit, failed_history_limit, parameters)
SELECT w.namespace,
       w.name,
       w.uid,
       w.generation,
       w.definition #>> '{spec,schedule}',
       coalesce(w.definition #>> '{spec,timeZone}', 'UTC'),
       coalesce((w.definition #>> '{spec,suspend}')::boolean, false),
       (w.definition #>> '{spec,startingDeadlineSeconds}')::bigint,
       CASE
         WHEN w.definition #>> '{spec,schedule}' IS NOT NULL
           AND NOT coalesce((w.definition #>> '{spec,suspend}')::boolean, false)
           THEN (SELECT to_timestamp(t.next_fire_time / 1000.0)
                 FROM qrtz_triggers t
                 WHERE t.sched_name = 'nightshift'
                   AND t.trigger_group = w.namespace
                   AND t.trigger_name = w.name
                   AND t.trigger_type = 'NSCRON'
                   AND t.next_fire_time > 0)
         END,
       w.last_run_seq,
       coalesce((w.definition #>> '{spec,successfulRunsHistoryLimit}')::int, 3),
       coalesce((w.definition #>> '{spec,failedRunsHistoryLimit}')::int, 1),
       coalesce(w.definition #> '{spec,parameters}', '{}')
FROM workflows w;

ALTER TABLE workflows DROP COLUMN last_run_seq;

-- The per-workflow Quartz jobs and triggers are gone; one clustered tick (ScheduleTick) remains.
DELETE FROM qrtz_fired_triggers
WHERE sched_name = 'nightshift' AND job_name IN (
  SELECT job_name FROM qrtz_job_details
  WHERE sched_name = 'nightshift' AND job_class_name = 'io.nightshift.schedule.FireJob');
DELETE FROM qrtz_simprop_triggers s
USING qrtz_triggers t
WHERE s.sched_name = t.sched_name AND s.trigger_name = t.trigger_name
  AND s.trigger_group = t.trigger_group AND t.sched_name = 'nightshift'
  AND t.trigger_type = 'NSCRON';
DELETE FROM qrtz_triggers t
USING qrtz_job_details j
WHERE t.sched_name = j.sched_name AND t.job_name = j.job_name AND t.job_group = j.job_group
  AND j.sched_name = 'nightshift' AND j.job_class_name = 'io.nightshift.schedule.FireJob';
DELETE FROM qrtz_job_details
WHERE sched_name = 'nightshift' AND job_class_name = 'io.nightshift.schedule.FireJob';
