-- action_steps_on_time: among the action steps of the plans an entity owns that are due (due
-- date before $as_of) or complete, those completed on or before the due date. School year of
-- the due date; one row per owning entity.
WITH steps AS (
    SELECT year(a.due_date) + CASE WHEN month(a.due_date) >= 7 THEN 1 ELSE 0 END AS school_year,
           lower(trim(p.level)) AS level, p.owner_id, a.due_date, a.completed_date
    FROM staging.action_steps AS a
    JOIN staging.plan_goals AS g ON g.goal_id = a.goal_id
    JOIN staging.plans AS p ON p.plan_id = g.plan_id
    WHERE a.due_date IS NOT NULL AND p.owner_id IS NOT NULL
      AND (a.due_date < $as_of OR a.completed_date IS NOT NULL)
)
SELECT $metric_id AS metric_id, school_year, level, owner_id AS entity_id,
       NULL::VARCHAR AS student_id,
       count(*) FILTER (WHERE completed_date <= due_date) AS numerator, count(*) AS denominator,
       count(*) AS n
FROM steps
GROUP BY school_year, level, owner_id
