-- The cells that can be suppressed, each with its primary flags and the two breakdowns it is a
-- part of, numbered here once so every later step groups and joins on integers. Student-level
-- rows are never shown to a viewer who may not see students, so they are not marked; metrics
-- with min_n 0 never hide anything.
--
-- A breakdown is a total and the parts that add up to it (numerators and denominators):
--   group breakdown   the groups of one dimension at one entity, total its 'all' cell
--                     (race_ethnicity:* of a school);
--   parent breakdown  the child entities of one parent at one level, for one group, total the
--                     parent's cell of that group (the classrooms of a PLC, the PLCs of a
--                     school, the schools of the district).
-- A breakdown whose total has no cell still ties its parts together (at most one hidden part
-- would be all that is unknown of a sum that other exports may publish).
--
-- Numbering: a slice is one metric, version, year and period; an entity is one (level,
-- entity_id) of the cells or a parent of one; a slot is one (parent, child level). Then
--   entity_key        slice * entities + entity            (a cell's entity in its slice)
--   parent_key        slice * entities + parent            (its parent's entity_key)
--   group_breakdown   entity_key * dimensions + dimension  (> 0; NULL for 'all')
--   parent_breakdown  -((slice * slots + slot) * groups + group) - 1   (< 0; NULL: no parent)
-- each an exact product of counts, so two different breakdowns never share a number.
CREATE OR REPLACE TEMP TABLE suppression_slices AS
SELECT metric_id, metric_version, school_year, period, row_number() OVER () - 1 AS slice
FROM (SELECT DISTINCT metric_id, metric_version, school_year, period
      FROM {{cells}} WHERE level <> 'student' AND min_n > 0);

CREATE OR REPLACE TEMP TABLE suppression_entities AS
WITH own AS (
    SELECT DISTINCT level, entity_id FROM {{cells}} WHERE level <> 'student' AND min_n > 0
),
numbered AS (
    SELECT level, entity_id, row_number() OVER () - 1 AS entity
    FROM (SELECT level, entity_id FROM own
          UNION
          SELECT h.parent_level, h.parent_id
          FROM own AS o
          JOIN staging.org_hierarchy AS h ON h.entity_level = o.level AND h.entity_id = o.entity_id
          WHERE h.parent_id IS NOT NULL)
)
SELECT n.level, n.entity_id, n.entity, p.entity AS parent,
       CASE WHEN p.entity IS NOT NULL THEN dense_rank() OVER (ORDER BY p.entity, n.level) - 1 END AS slot
FROM numbered AS n
LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = n.level AND h.entity_id = n.entity_id
LEFT JOIN numbered AS p ON p.level = h.parent_level AND p.entity_id = h.parent_id;

CREATE OR REPLACE TEMP TABLE suppression_groups AS
SELECT student_group, row_number() OVER () - 1 AS student_group_number,
       CASE WHEN student_group <> 'all'
            THEN dense_rank() OVER (ORDER BY split_part(student_group, ':', 1)) END AS dimension
FROM (SELECT DISTINCT student_group FROM {{cells}} WHERE level <> 'student' AND min_n > 0);

-- The primary rules:
-- * fewer than the metric's min_n units (students, respondents, people invited ...);
-- * all-or-none disclosure (NCES 2011-603: top and bottom coding). A cell with at least the
--   minimum n can still disclose every student: 11 of 11 chronically absent, 0 of 40
--   proficient. For the families in coding_families (shares suppressed for privacy; empty when
--   nothing is coded), a cell whose value is at or below its band's bottom, or at or above its
--   top, is hidden with the words of its end ("5% or less", "95% or more") and may be shown only
--   as its range (value_range, e.g. "<=5%"). Its band (coding_bands, max_n NULL = any n) is the
--   first whose max_n is at least the cell's n. A coded cell is a hidden cell like any other:
--   complementary suppression runs after this, so its exact value cannot be derived from a total.
CREATE OR REPLACE TEMP TABLE suppression_cells AS
WITH sizes AS (
    SELECT (SELECT count(*) FROM suppression_entities) AS entities,
           (SELECT coalesce(max(slot), 0) + 1 FROM suppression_entities) AS slots,
           (SELECT count(*) FROM suppression_groups) AS student_groups,
           (SELECT coalesce(max(dimension), 0) + 1 FROM suppression_groups) AS dimensions
),
keyed AS (
    SELECT c.cell_id, c.metric_id, c.entity_id, c.student_group, c.numerator, c.denominator, c.value, c.n,
           c.min_n, g.dimension, g.student_group_number,
           s.slice * z.entities + e.entity AS entity_key,
           s.slice * z.entities + e.parent AS parent_key,
           (s.slice * z.entities + e.entity) * z.dimensions + g.dimension AS group_breakdown,
           -((s.slice * z.slots + e.slot) * z.student_groups + g.student_group_number) - 1 AS parent_breakdown
    FROM {{cells}} AS c
    JOIN suppression_slices AS s USING (metric_id, metric_version, school_year, period)
    JOIN suppression_entities AS e USING (level, entity_id)
    JOIN suppression_groups AS g USING (student_group)
    CROSS JOIN sizes AS z
    WHERE c.level <> 'student' AND c.min_n > 0
),
near_an_end AS MATERIALIZED (
    -- most values are near neither end of any band: only the others are matched to their band
    SELECT c.cell_id, c.n, c.value
    FROM {{cells}} AS c
    JOIN coding_families AS f ON f.family = split_part(c.metric_id, '.', 1)
    WHERE c.level <> 'student' AND c.min_n > 0 AND c.n >= c.min_n
      AND (c.value <= (SELECT max(bottom) FROM coding_bands) OR c.value >= (SELECT min(top) FROM coding_bands))
),
coded AS (
    SELECT c.cell_id,
           CASE WHEN c.value <= b.bottom THEN b.bottom_words ELSE b.top_words END AS coding,
           CASE WHEN c.value <= b.bottom THEN b.bottom_text ELSE b.top_text END AS value_range
    FROM near_an_end AS c
    ASOF JOIN coding_bands AS b ON c.n <= b.max_n
    WHERE c.value <= b.bottom OR c.value >= b.top
)
SELECT c.cell_id, c.entity_key, c.parent_key, c.group_breakdown, c.parent_breakdown, c.dimension,
       c.student_group_number, c.entity_id, c.student_group, c.numerator, c.denominator, c.n,
       c.n < c.min_n OR k.cell_id IS NOT NULL AS suppressed, k.coding, k.value_range
FROM keyed AS c
LEFT JOIN coded AS k USING (cell_id);

-- Every breakdown's members: each cell as a part of its two breakdowns, and each total.
CREATE OR REPLACE TEMP TABLE suppression_members AS
SELECT group_breakdown AS breakdown, cell_id, false AS is_total
FROM suppression_cells WHERE group_breakdown IS NOT NULL
UNION ALL
SELECT b.breakdown, c.cell_id, true
FROM (SELECT DISTINCT entity_key, group_breakdown AS breakdown
      FROM suppression_cells WHERE group_breakdown IS NOT NULL) AS b
JOIN suppression_cells AS c ON c.entity_key = b.entity_key AND c.dimension IS NULL
UNION ALL
SELECT parent_breakdown, cell_id, false
FROM suppression_cells WHERE parent_breakdown IS NOT NULL
UNION ALL
SELECT b.breakdown, c.cell_id, true
FROM (SELECT DISTINCT parent_key, student_group_number, parent_breakdown AS breakdown
      FROM suppression_cells WHERE parent_breakdown IS NOT NULL) AS b
JOIN suppression_cells AS c
  ON c.entity_key = b.parent_key AND c.student_group_number = b.student_group_number;

-- Cells that are one population: a breakdown with a single part whose numerator, denominator
-- and n are its total's (grade:04 of a grade-4 PLC and the PLC's 'all'; a school's grade:KG and
-- its KG PLC's grade:KG). The part's students are among the total's and as many, so both cells
-- say the same thing about the same students: showing one shows the other.
CREATE OR REPLACE TEMP TABLE suppression_twins AS
SELECT min(m.cell_id) AS a, max(m.cell_id) AS b
FROM suppression_members AS m
SEMI JOIN (SELECT breakdown FROM suppression_members WHERE NOT is_total
           GROUP BY breakdown HAVING count(*) = 1) AS lone USING (breakdown)
JOIN suppression_cells AS c USING (cell_id)
GROUP BY m.breakdown
HAVING count(*) = 2
   AND min(c.numerator) = max(c.numerator) AND min(c.denominator) = max(c.denominator) AND min(c.n) = max(c.n);

-- Each twin starts as its own population (suppress_populations.sql merges them).
CREATE OR REPLACE TEMP TABLE suppression_populations AS
SELECT a AS cell_id, a AS population FROM suppression_twins
UNION
SELECT b, b FROM suppression_twins;
