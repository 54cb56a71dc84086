-- The cells that can be suppressed: student-level rows are never shown to a viewer who may not
-- see students, so they are not marked; metrics with min_n 0 never hide anything.
CREATE OR REPLACE TEMP TABLE suppression_cells AS
SELECT c.cell_id, c.metric_id, c.metric_version, c.school_year, c.period, c.level, c.entity_id,
       c.student_group,
       CASE WHEN c.student_group <> 'all' THEN split_part(c.student_group, ':', 1) END AS dimension,
       h.parent_level, h.parent_id, c.numerator, c.denominator, c.value, c.n, c.min_n
FROM {{cells}} AS c
LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = c.level AND h.entity_id = c.entity_id
WHERE c.level <> 'student' AND c.min_n > 0;

-- The breakdowns, each a total and the parts that add up to it (numerators and denominators):
--   the groups of one dimension at one entity, total its 'all' cell (race_ethnicity:* of a school);
--   the child entities of one parent, for one group, total the parent's cell of that group
--   (the classrooms of a PLC, the PLCs of a school, the schools of the district).
-- A breakdown whose total has no cell still ties its parts together (at most one hidden part
-- would be all that is unknown of a sum that other exports may publish).
CREATE OR REPLACE TEMP TABLE suppression_members AS
WITH group_keys AS (
    SELECT *, row_number() OVER () AS breakdown
    FROM (SELECT DISTINCT metric_id, metric_version, school_year, period, level, entity_id, dimension
          FROM suppression_cells WHERE dimension IS NOT NULL)
),
parent_keys AS (
    SELECT *, (SELECT count(*) FROM group_keys) + row_number() OVER () AS breakdown
    FROM (SELECT DISTINCT metric_id, metric_version, school_year, period, level, parent_level, parent_id,
                 student_group
          FROM suppression_cells WHERE parent_id IS NOT NULL)
)
SELECT k.breakdown, w.cell_id, false AS is_total, w.numerator, w.denominator, w.n
FROM suppression_cells AS w
JOIN group_keys AS k USING (metric_id, metric_version, school_year, period, level, entity_id, dimension)
UNION ALL
SELECT k.breakdown, w.cell_id, true, w.numerator, w.denominator, w.n
FROM group_keys AS k
JOIN suppression_cells AS w USING (metric_id, metric_version, school_year, period, level, entity_id)
WHERE w.student_group = 'all'
UNION ALL
SELECT k.breakdown, w.cell_id, false, w.numerator, w.denominator, w.n
FROM suppression_cells AS w
JOIN parent_keys AS k
  USING (metric_id, metric_version, school_year, period, level, parent_level, parent_id, student_group)
UNION ALL
SELECT k.breakdown, w.cell_id, true, w.numerator, w.denominator, w.n
FROM parent_keys AS k
JOIN suppression_cells AS w
  ON w.metric_id = k.metric_id AND w.metric_version = k.metric_version AND w.school_year = k.school_year
 AND w.period = k.period AND w.level = k.parent_level AND w.entity_id = k.parent_id
 AND w.student_group = k.student_group;

-- Cells that are one population: a breakdown with a single part whose numerator, denominator
-- and n are its total's (grade:04 of a grade-4 PLC and the PLC's 'all'; a school's grade:KG and
-- its KG PLC's grade:KG). The part's students are among the total's and as many, so both cells
-- say the same thing about the same students: showing one shows the other.
CREATE OR REPLACE TEMP TABLE suppression_twins AS
SELECT min(cell_id) AS a, max(cell_id) AS b
FROM suppression_members
GROUP BY breakdown
HAVING count(*) = 2 AND count(*) FILTER (WHERE is_total) = 1
   AND min(numerator) = max(numerator) AND min(denominator) = max(denominator) AND min(n) = max(n);

-- Each twin starts as its own population (suppress_populations.sql merges them).
CREATE OR REPLACE TEMP TABLE suppression_populations AS
SELECT a AS cell_id, a AS population FROM suppression_twins
UNION
SELECT b, b FROM suppression_twins;
