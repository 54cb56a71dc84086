-- The cells metric_values.sql reads: each metric's year to date through a day, computed on
-- request into the temp table metric_cells (assets/metrics/asof.py: suppressed as the mart is).
, value_cells AS (
    SELECT metric_id, metric_version, school_year, period, level, entity_id, student_group,
           numerator, denominator, value, suppressed, suppression_reason, value_range, n
    FROM metric_cells
)
