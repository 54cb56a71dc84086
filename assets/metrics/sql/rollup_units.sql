-- Roll the unit rows of one metric family (one row per student, respondent, staff member ... and
-- entity) up to cells: one per metric id, year, period, level, entity and student group. Each unit row is
-- read once; GROUPING SETS make the 'all' cell and one breakdown per group dimension. A student
-- unknown in a dimension (NULL) is in no cell of that dimension; student-level rows get no
-- breakdown. A cell without a positive denominator is no data and gets no row. {{periods}} picks
-- the unit rows of the periods this pass rolls up (the engine runs one pass for the school year
-- with every breakdown, one for the months and years to date with 'all' only), and the family's
-- SQL sees only this pass's periods in metric_periods ({{pass_periods}}: the CTE hides the rest),
-- so neither pass computes the other's rows.
WITH metric_periods AS (SELECT * FROM metric_periods WHERE {{pass_periods}})
SELECT metric_id, school_year, period, level, entity_id, student_group,
       numerator, denominator, numerator / denominator AS value, n
FROM (
    SELECT u.metric_id, u.school_year, u.period, u.level, u.entity_id,
           {{group_label}} AS student_group,
           CAST(sum(u.numerator) AS DOUBLE) AS numerator,
           CAST(sum(u.denominator) AS DOUBLE) AS denominator,
           CAST(sum(u.n) AS BIGINT) AS n
    FROM ({{units}}) AS u
    {{group_join}}
    WHERE list_contains($levels, u.level) AND {{periods}}
    GROUP BY GROUPING SETS ({{grouping_sets}})
)
WHERE student_group IS NOT NULL AND denominator > 0
