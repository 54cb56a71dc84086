-- Publish the cells: mart.metric_values with exactly the columns of the export, and the n behind
-- each cell (students, respondents ...) in mart.metric_value_counts for the needs assessment,
-- which joins it on the whole key: it needs no order, and sorting four million cells twice
-- would cost seconds.
CREATE OR REPLACE TABLE mart.metric_values AS
SELECT metric_id, CAST(metric_version AS INTEGER) AS metric_version,
       CAST(school_year AS INTEGER) AS school_year, period, level, entity_id, student_group,
       CAST(numerator AS DOUBLE) AS numerator, CAST(denominator AS DOUBLE) AS denominator,
       CAST(value AS DOUBLE) AS value, suppressed, suppression_reason, value_range
FROM metric_cells
ORDER BY metric_id, school_year, level, entity_id, student_group;

CREATE OR REPLACE TABLE mart.metric_value_counts AS
SELECT metric_id, CAST(metric_version AS INTEGER) AS metric_version,
       CAST(school_year AS INTEGER) AS school_year, period, level, entity_id, student_group,
       CAST(n AS BIGINT) AS n
FROM metric_cells;
