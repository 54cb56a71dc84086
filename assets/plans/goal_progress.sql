-- mart.goal_progress: one row per goal, as of $as_of, with the n behind its current value (the
-- query layer hides a value by its viewer's rules and counts the supporting goals each viewer
-- may see). Appended to goal_tree.sql. Parameters:
-- $as_of, $band (how far behind the expected value a goal is still at_risk), $lower_metrics
-- (catalog families where lower is better; kpi.<id> takes its department_kpis direction).
-- current: the goal's metric for the plan owner and student group, latest school year on or
--   before the school year of $as_of with a value (with $to_date, the as-of year's value is its
--   year to date through $as_of); expected: on the straight line from
--   baseline to target; projected: the least-squares trend of the loaded years (at least two)
--   read at the target date's school year. Differences are compared to 9 decimals, so a value a
--   person computes exactly on a boundary lands on it.
, as_of AS (
    SELECT CAST($as_of AS DATE) AS as_of,
           year(CAST($as_of AS DATE)) + CASE WHEN month(CAST($as_of AS DATE)) >= 7 THEN 1 ELSE 0 END AS as_of_year
), kpi_direction AS (
    SELECT 'kpi.' || kpi_id AS metric_id,
           arg_max(CASE direction WHEN 'lower_is_better' THEN 'lower' ELSE 'higher' END, period_end) AS direction
    FROM staging.department_kpis GROUP BY kpi_id
), measured AS (
    SELECT g.goal_id, g.plan_id, g.parent_goal_id, g.kind, g.title, g.level, g.owner_id AS entity_id,
           g.metric_id, coalesce(g.student_group, 'all') AS student_group,
           g.baseline_value, g.baseline_date, g.target_value, g.target_date,
           coalesce(k.direction,
                    CASE WHEN split_part(g.metric_id, '.', 1) IN (SELECT unnest($lower_metrics)) THEN 'lower'
                         ELSE 'higher' END) AS direction,
           CASE WHEN k.direction = 'lower' OR (k.direction IS NULL AND
                     split_part(g.metric_id, '.', 1) IN (SELECT unnest($lower_metrics))) THEN -1 ELSE 1 END AS sign
    FROM goals AS g LEFT JOIN kpi_direction AS k USING (metric_id)
), goal_cells AS (
    -- the cells of the goals' own metrics, entities and groups, each school year's
    SELECT v.*
    FROM mart.metric_values AS v
    SEMI JOIN measured AS m
      ON m.metric_id = v.metric_id AND m.level = v.level AND m.entity_id = v.entity_id
     AND m.student_group = v.student_group
    WHERE v.period = 'year' AND NOT ($to_date AND v.school_year = (SELECT as_of_year FROM as_of))
), year_values AS (
    -- each school year's value; with $to_date, the as-of year's value is its year to date through
    -- $as_of ({{to_date_cells}}: cells with the columns below) in place of the whole year's
    SELECT v.metric_id, v.level, v.entity_id, v.student_group, v.school_year, v.value, v.suppressed, k.n
    FROM goal_cells AS v
    LEFT JOIN mart.metric_value_counts AS k
      ON k.metric_id = v.metric_id AND k.metric_version = v.metric_version AND k.school_year = v.school_year
     AND k.period = v.period AND k.level = v.level AND k.entity_id = v.entity_id
     AND k.student_group = v.student_group
    UNION ALL
    SELECT metric_id, level, entity_id, student_group, school_year, value, suppressed, n
    FROM {{to_date_cells}}
    WHERE $to_date
), series AS (
    SELECT m.goal_id, v.school_year, v.value, v.suppressed, v.n
    FROM measured AS m
    CROSS JOIN as_of
    JOIN year_values AS v
      ON v.metric_id = m.metric_id AND v.level = m.level AND v.entity_id = m.entity_id
     AND v.student_group = m.student_group
    WHERE v.school_year <= as_of.as_of_year AND v.value IS NOT NULL
), current AS (
    SELECT goal_id, max(school_year) AS current_year, arg_max(value, school_year) AS current_value,
           arg_max(suppressed, school_year) AS current_suppressed, arg_max(n, school_year) AS current_n,
           CASE WHEN count(*) >= 2 THEN regr_slope(value, school_year) END AS slope,
           CASE WHEN count(*) >= 2 THEN regr_intercept(value, school_year) END AS intercept
    FROM series GROUP BY goal_id
), line AS (
    SELECT m.*, c.current_year, c.current_value, coalesce(c.current_suppressed, false) AS suppressed, c.current_n,
           CAST(m.target_date - m.baseline_date AS INTEGER) AS span_days,
           greatest(0, least(CAST(as_of.as_of - m.baseline_date AS INTEGER),
                             CAST(m.target_date - m.baseline_date AS INTEGER))) AS elapsed_days,
           c.intercept + c.slope * (year(m.target_date) + CASE WHEN month(m.target_date) >= 7 THEN 1 ELSE 0 END)
             AS projected_value
    FROM measured AS m CROSS JOIN as_of LEFT JOIN current AS c USING (goal_id)
), judged AS (
    SELECT *,
           CASE WHEN span_days > 0 AND baseline_value IS NOT NULL AND target_value IS NOT NULL
                THEN baseline_value + (target_value - baseline_value) * elapsed_days / span_days END AS expected_value
    FROM line
), statused AS (
    SELECT *,
           CASE WHEN metric_id IS NULL THEN 'no_metric'
                WHEN expected_value IS NULL THEN 'not_measurable'
                WHEN current_value IS NULL THEN 'no_data'
                WHEN round(sign * (current_value - target_value), 9) >= 0 THEN 'met'
                WHEN round(sign * (current_value - expected_value), 9) >= 0 THEN 'on_track'
                WHEN round(sign * (expected_value - current_value), 9) <= $band THEN 'at_risk'
                ELSE 'off_track' END AS status
    FROM judged
)
SELECT s.goal_id, s.plan_id, s.parent_goal_id, s.kind, s.title, s.level, s.entity_id, s.metric_id,
       s.student_group, CASE WHEN s.metric_id IS NOT NULL THEN s.direction END AS direction, s.baseline_value, s.baseline_date, s.target_value, s.target_date,
       CAST($as_of AS DATE) AS as_of, s.current_year, s.current_value, s.suppressed, s.current_n,
       round(s.expected_value, 9) AS expected_value, s.status, round(s.projected_value, 6) AS projected_value
FROM statused AS s
