-- Copy the flags to the cells: a primary cell with its reason, and every other cell of a hidden
-- population as hidden by complementary suppression (a twin of a small cell included), with the
-- reason in the words a viewer reads and, for a coded cell, the range a viewer who may not see
-- students is shown instead of its value.
UPDATE {{cells}} AS c
SET suppressed = true,
    suppression_reason = CASE WHEN NOT w.suppressed THEN $complementary_reason
                              WHEN w.coding IS NOT NULL THEN w.coding
                              ELSE 'fewer than ' || c.min_n || ' ' || c.n_unit END,
    value_range = w.value_range
FROM (
    SELECT s.cell_id, s.suppressed, s.coding, s.value_range
    FROM suppression_cells AS s
    JOIN suppression_work AS w USING (cell_id)
    WHERE s.suppressed OR w.population IN (SELECT population FROM suppression_hidden)
) AS w
WHERE w.cell_id = c.cell_id
