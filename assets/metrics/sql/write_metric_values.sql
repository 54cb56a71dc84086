-- Publish the cells of the families just computed: mart.metric_values with exactly the columns
-- of the export, and the n behind each cell (students, respondents ...) in
-- mart.metric_value_counts for the needs assessment, which joins it on the whole key. The rows
-- of every family not in $kept (recomputed, or no longer computed) are deleted first, so an
-- incremental build replaces only the families whose inputs changed. Values are sorted by
-- metric so a dashboard query for one metric reads few row groups.
CREATE TABLE IF NOT EXISTS mart.metric_values (
    metric_id VARCHAR, metric_version INTEGER, school_year INTEGER, period VARCHAR, level VARCHAR,
    entity_id VARCHAR, student_group VARCHAR, numerator DOUBLE, denominator DOUBLE, value DOUBLE,
    suppressed BOOLEAN, suppression_reason VARCHAR
);

CREATE TABLE IF NOT EXISTS mart.metric_value_counts (
    metric_id VARCHAR, metric_version INTEGER, school_year INTEGER, period VARCHAR, level VARCHAR,
    entity_id VARCHAR, student_group VARCHAR, n BIGINT
);

DELETE FROM mart.metric_values WHERE NOT list_contains($kept::VARCHAR[], split_part(metric_id, '.', 1));

DELETE FROM mart.metric_value_counts WHERE NOT list_contains($kept::VARCHAR[], split_part(metric_id, '.', 1));

INSERT INTO mart.metric_values
SELECT metric_id, metric_version, school_year, period, level, entity_id, student_group,
       numerator, denominator, value, suppressed, suppression_reason
FROM metric_cells
ORDER BY metric_id, school_year, level, entity_id, student_group;

INSERT INTO mart.metric_value_counts
SELECT metric_id, metric_version, school_year, period, level, entity_id, student_group, n
FROM metric_cells;
