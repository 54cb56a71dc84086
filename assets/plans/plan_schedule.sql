-- mart.plan_schedule_status: each task of the plan-development schedule (by stage) as of
-- $as_of, with its slippage: actual minus expected completion in days (a task still open past
-- its expected date slips by the days since), and its stage's totals.
WITH tasks AS (
    SELECT s.plan_id, p.level, p.owner_id AS entity_id, s.stage, s.task, s.responsibility,
           s.expected_date, s.completed_date,
           CASE WHEN s.completed_date IS NOT NULL THEN 'complete'
                WHEN s.expected_date < CAST($as_of AS DATE) THEN 'overdue'
                ELSE 'open' END AS task_status,
           CASE WHEN s.completed_date IS NOT NULL THEN CAST(s.completed_date - s.expected_date AS INTEGER)
                WHEN s.expected_date < CAST($as_of AS DATE)
                    THEN CAST(CAST($as_of AS DATE) - s.expected_date AS INTEGER) END AS slippage_days
    FROM staging.plan_schedule AS s LEFT JOIN staging.plans AS p USING (plan_id)
)
SELECT *,
       avg(slippage_days) OVER stage AS stage_mean_slippage_days,
       max(slippage_days) OVER stage AS stage_max_slippage_days,
       count(*) FILTER (WHERE task_status = 'overdue') OVER stage AS stage_tasks_overdue
FROM tasks
WINDOW stage AS (PARTITION BY plan_id, stage)
ORDER BY plan_id, stage, expected_date NULLS LAST, task
