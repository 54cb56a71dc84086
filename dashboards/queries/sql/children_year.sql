-- The cells children_metrics.sql reads: the school year's ($year) of one student group ($group),
-- with the status the pipeline judged by each child's scorecard (mart.metric_cells).
, child_cells AS (
    SELECT level, entity_id, metric_id, value, n, status, suppressed, suppression_reason, value_range
    FROM mart.metric_cells
    WHERE student_group = $group AND period = 'year' AND school_year = $year
)
