-- All-or-none disclosure (NCES 2011-603: top and bottom coding). A cell with at least the
-- minimum n can still disclose every student: 11 of 11 chronically absent, 0 of 40 proficient.
-- For the families in coding_families (shares that are suppressed for privacy), a cell not
-- already suppressed whose value is at or below its band's bottom, or at or above its top, is
-- suppressed with the words of its end ("5% or less", "95% or more") and may be shown only as
-- its range (value_range, e.g. "<=5%"). Its band (coding_bands, max_n NULL = any n) is the first
-- whose max_n is at least the cell's n. A coded cell is a hidden cell like any other:
-- complementary suppression runs after this, so its exact value cannot be derived from a total.
UPDATE suppression_work AS w
SET suppressed = true, coding = pick.coding, value_range = pick.value_range
FROM (
    SELECT c.cell_id,
           CASE WHEN c.value <= b.bottom THEN b.bottom_words ELSE b.top_words END AS coding,
           CASE WHEN c.value <= b.bottom THEN b.bottom_text ELSE b.top_text END AS value_range
    FROM {{cells}} AS c
    JOIN coding_families AS f ON f.family = split_part(c.metric_id, '.', 1)
    ASOF JOIN coding_bands AS b ON c.n <= b.max_n
    WHERE c.value <= b.bottom OR c.value >= b.top
) AS pick
WHERE w.cell_id = pick.cell_id AND NOT w.suppressed
