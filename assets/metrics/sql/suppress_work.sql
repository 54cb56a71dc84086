-- Working copy of the flags, made once the populations are known, with the primary rules:
-- * fewer than the metric's min_n units (students, respondents, people invited ...);
-- * all-or-none disclosure (NCES 2011-603: top and bottom coding). A cell with at least the
--   minimum n can still disclose every student: 11 of 11 chronically absent, 0 of 40
--   proficient. For the families in coding_families (shares suppressed for privacy; empty when
--   nothing is coded), a cell whose value is at or below its band's bottom, or at or above its
--   top, is hidden with the words of its end ("5% or less", "95% or more") and may be shown only
--   as its range (value_range, e.g. "<=5%"). Its band (coding_bands, max_n NULL = any n) is the
--   first whose max_n is at least the cell's n. A coded cell is a hidden cell like any other:
--   complementary suppression runs after this, so its exact value cannot be derived from a total.
CREATE OR REPLACE TEMP TABLE suppression_work AS
WITH coded AS (
    SELECT c.cell_id,
           CASE WHEN c.value <= b.bottom THEN b.bottom_words ELSE b.top_words END AS coding,
           CASE WHEN c.value <= b.bottom THEN b.bottom_text ELSE b.top_text END AS value_range
    FROM suppression_cells AS c
    JOIN coding_families AS f ON f.family = split_part(c.metric_id, '.', 1)
    ASOF JOIN coding_bands AS b ON c.n <= b.max_n
    WHERE c.n >= c.min_n AND (c.value <= b.bottom OR c.value >= b.top)
)
SELECT c.cell_id, c.entity_id, c.student_group, c.n, c.denominator,
       c.n < c.min_n OR k.cell_id IS NOT NULL AS suppressed, false AS complementary,
       coalesce(p.population, c.cell_id) AS population, k.coding, k.value_range
FROM suppression_cells AS c
LEFT JOIN suppression_populations AS p USING (cell_id)
LEFT JOIN coded AS k USING (cell_id)
ORDER BY c.cell_id;

DROP TABLE suppression_cells;
