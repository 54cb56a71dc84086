-- action_steps_on_time: among the action steps of the plans an entity owns that are due or
-- complete, those completed on or before the due date; one row per owning entity and period.
-- A step belongs to the school year of its due date, and to a month or a year to date when its
-- due date falls in it. It counts in a period when it is due (due date before $as_of and by the
-- period's end) or was complete by the period's end (the school year: complete at all).
WITH steps AS (
    SELECT year(a.due_date) + CASE WHEN month(a.due_date) >= 7 THEN 1 ELSE 0 END AS school_year,
           lower(trim(p.level)) AS level, p.owner_id, a.due_date, a.completed_date
    FROM staging.action_steps AS a
    JOIN staging.plan_goals AS g ON g.goal_id = a.goal_id
    JOIN staging.plans AS p ON p.plan_id = g.plan_id
    WHERE a.due_date IS NOT NULL AND p.owner_id IS NOT NULL
)
SELECT $metric_id AS metric_id, s.school_year, w.period, s.level, s.owner_id AS entity_id,
       NULL::VARCHAR AS student_id,
       count(*) FILTER (WHERE s.completed_date <= s.due_date) AS numerator, count(*) AS denominator,
       count(*) AS n
FROM steps AS s
JOIN metric_periods AS w
  ON w.school_year = s.school_year AND s.due_date BETWEEN w.period_start AND w.period_end
WHERE s.due_date < least($as_of, w.period_end + 1)
   OR (s.completed_date IS NOT NULL AND (w.period = 'year' OR s.completed_date <= w.period_end))
GROUP BY s.school_year, w.period, s.level, s.owner_id
