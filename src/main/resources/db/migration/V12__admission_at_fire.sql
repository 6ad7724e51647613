-- Admission at fire time: the leader's due scan writes a run of a workflow whose concurrency
-- policy is Allow directly as Running, with its steps' rows, since that policy starts it whatever
-- else is active. The scan reads the policy and the step names (in definition order) from the
-- narrow schedules row, kept by ScheduleSync with the generation it names.
ALTER TABLE schedules ADD COLUMN concurrency_policy TEXT NOT NULL DEFAULT 'Allow';
ALTER TABLE schedules ADD COLUMN steps TEXT[] NOT NULL DEFAULT '{}';

UPDATE schedules s
SET concurrency_policy = coalesce(d.definition #>> '{spec,concurrencyPolicy}', 'Allow'),
    steps              = ARRAY(SELECT e.step ->> 'name'
                               FROM json_array_elements(d.definition -> 'spec' -> 'steps')
                                 WITH ORDINALITY AS e(step, position)
                               ORDER BY e.position)
FROM workflow_definitions d
WHERE d.uid = s.uid
  AND d.generation = s.generation;
