-- The student groups of each student and year as one column per group dimension (d_<dimension>,
-- e.g. d_race_ethnicity = 'race_ethnicity:black'), so a rollup reads each unit row once and
-- GROUPING SETS make one breakdown per dimension. staging.student_groups has at most one group
-- per dimension, student and year (one student record per year); the engine checks that first.
CREATE OR REPLACE TEMP TABLE metric_group_dimensions AS
SELECT student_id, school_year{{dimension_columns}}
FROM staging.student_groups
WHERE student_group <> 'all'
GROUP BY student_id, school_year
