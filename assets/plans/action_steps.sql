-- mart.action_step_status: one row per action step, as of $as_of, with the plan that owns it.
-- timing: on_time (completed on or before its due date), late (completed after it), overdue
-- (past due and not complete), open (not due yet, or no due date).
SELECT a.action_id, a.goal_id, g.plan_id, p.level, p.owner_id AS entity_id, a.strategy_id, a.step_number,
       a.description, a.owner, a.start_date, a.due_date, a.completed_date, a.status,
       CASE WHEN a.completed_date IS NOT NULL AND a.due_date IS NOT NULL
                THEN CASE WHEN a.completed_date <= a.due_date THEN 'on_time' ELSE 'late' END
            WHEN a.status = 'complete' THEN 'complete_undated'
            WHEN a.due_date < CAST($as_of AS DATE) THEN 'overdue'
            ELSE 'open' END AS timing,
       CASE WHEN a.completed_date IS NOT NULL THEN greatest(0, CAST(a.completed_date - a.due_date AS INTEGER))
            WHEN a.status <> 'complete' THEN greatest(0, CAST(CAST($as_of AS DATE) - a.due_date AS INTEGER))
            END AS days_late
FROM staging.action_steps AS a
LEFT JOIN staging.plan_goals AS g USING (goal_id)
LEFT JOIN staging.plans AS p ON p.plan_id = g.plan_id
ORDER BY p.level, p.owner_id, g.plan_id, a.goal_id, a.step_number, a.action_id
