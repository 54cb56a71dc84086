-- One entity's balanced scorecard as of a day (asof.py): the rows of mart.scorecard for the
-- school year of the day ($year; which metrics, their targets, directions and status bands),
-- each with its year-to-date cell ($period, all students) from the temp table metric_cells, its
-- status by the scorecard's rule (the scorecard_status macro of scorecard_status.sql), and the change
-- since the same day a year earlier ($prior_period), only between equal versions.
WITH cells AS (
    SELECT * FROM metric_cells
    WHERE level = $level AND entity_id = $entity AND student_group = 'all'
)
SELECT s.school_year, s.level, s.entity_id, s.entity_name, s.perspective, c.perspective_order,
       s.metric_id, s.metric_name, coalesce(v.metric_version, s.metric_version) AS metric_version,
       s.direction, s.unit, $period AS period, v.value, s.target, s.near_band,
       scorecard_status(v.value, s.target, s.direction, s.near_band) AS status,
       p.value AS prior_value, v.value - p.value AS change_vs_prior,
       v.numerator, v.denominator, v.n, coalesce(v.suppressed, false) AS suppressed,
       v.suppression_reason, v.value_range, coalesce(p.suppressed, false) AS prior_suppressed, c.definition
FROM mart.scorecard AS s
JOIN mart.metric_catalog AS c ON c.metric_key = split_part(s.metric_id, '.', 1)
LEFT JOIN cells AS v ON v.period = $period AND v.metric_id = s.metric_id
LEFT JOIN cells AS p ON p.period = $prior_period AND p.metric_id = s.metric_id AND p.metric_version = v.metric_version
WHERE s.school_year = $year AND s.level = $level AND s.entity_id = $entity
ORDER BY c.perspective_order, s.metric_id
