-- Working copy of the cells that can be suppressed, with each cell's breakdowns precomputed:
-- its group dimension (race_ethnicity for race_ethnicity:black; none for 'all') and its parent
-- entity. Primary suppression: fewer than the metric's min_n units (students, respondents,
-- people invited ...). Student-level rows are never shown to a viewer who may not see students,
-- so they are not marked; metrics with min_n 0 never hide anything.
CREATE OR REPLACE TEMP TABLE suppression_work AS
SELECT c.cell_id, c.metric_id, c.metric_version, c.school_year, c.period, c.level, c.entity_id,
       c.student_group,
       CASE WHEN c.student_group <> 'all' THEN split_part(c.student_group, ':', 1) END AS dimension,
       h.parent_level, h.parent_id, c.n, c.denominator,
       c.n < c.min_n AS suppressed, false AS complementary
FROM {{cells}} AS c
LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = c.level AND h.entity_id = c.entity_id
WHERE c.level <> 'student' AND c.min_n > 0
