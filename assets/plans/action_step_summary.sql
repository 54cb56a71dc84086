-- mart.action_step_summary: action steps on time, late, overdue and open by plan and owner.
-- Reads the per-step query of action_steps.sql, pasted in by engine.py.
SELECT plan_id, level, entity_id, coalesce(owner, '(no owner)') AS owner, count(*) AS steps,
       count(*) FILTER (WHERE timing = 'on_time') AS on_time,
       count(*) FILTER (WHERE timing = 'late') AS late,
       count(*) FILTER (WHERE timing = 'overdue') AS overdue,
       count(*) FILTER (WHERE timing = 'open') AS open,
       count(*) FILTER (WHERE timing = 'complete_undated') AS complete_undated
FROM ({{steps}}) AS s
GROUP BY ALL
ORDER BY level, entity_id, plan_id, owner
