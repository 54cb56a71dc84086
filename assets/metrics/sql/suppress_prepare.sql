-- Working copy of the cells that can be suppressed, with each cell's two breakdowns numbered
-- once here so every round of complementary suppression groups and joins on one integer:
--   group_breakdown   the groups of one dimension at one entity (race_ethnicity for
--                     race_ethnicity:black; none for 'all');
--   parent_breakdown  the child entities of one parent, for one group (none without a parent).
-- Primary suppression: fewer than the metric's min_n units (students, respondents, people
-- invited ...). Student-level rows are never shown to a viewer who may not see students, so
-- they are not marked; metrics with min_n 0 never hide anything.
CREATE OR REPLACE TEMP TABLE suppression_work AS
WITH cells AS (
    SELECT c.cell_id, c.metric_id, c.metric_version, c.school_year, c.period, c.level, c.entity_id,
           c.student_group,
           CASE WHEN c.student_group <> 'all' THEN split_part(c.student_group, ':', 1) END AS dimension,
           h.parent_level, h.parent_id, c.n, c.denominator, c.n < c.min_n AS suppressed
    FROM {{cells}} AS c
    LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = c.level AND h.entity_id = c.entity_id
    WHERE c.level <> 'student' AND c.min_n > 0
),
group_breakdowns AS (
    SELECT metric_id, metric_version, school_year, period, level, entity_id, dimension,
           row_number() OVER () AS group_breakdown
    FROM (SELECT DISTINCT metric_id, metric_version, school_year, period, level, entity_id, dimension
          FROM cells WHERE dimension IS NOT NULL)
),
parent_breakdowns AS (
    SELECT metric_id, metric_version, school_year, period, level, parent_level, parent_id, student_group,
           row_number() OVER () AS parent_breakdown
    FROM (SELECT DISTINCT metric_id, metric_version, school_year, period, level, parent_level, parent_id,
                 student_group
          FROM cells WHERE parent_id IS NOT NULL)
)
SELECT cell_id, entity_id, student_group, n, denominator, suppressed, false AS complementary,
       group_breakdown, parent_breakdown
FROM cells
LEFT JOIN group_breakdowns USING (metric_id, metric_version, school_year, period, level, entity_id, dimension)
LEFT JOIN parent_breakdowns
    USING (metric_id, metric_version, school_year, period, level, parent_level, parent_id, student_group)
