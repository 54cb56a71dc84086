-- Mark the cells of the populations complementary suppression hid, then copy the flags back to
-- the cells, with the reason in the words a viewer reads and, for a coded cell, the range a
-- viewer who may not see students is shown instead of its value.
UPDATE suppression_work AS w
SET suppressed = true, complementary = true
FROM suppression_hidden AS h
WHERE h.population = w.population AND NOT w.suppressed;

UPDATE {{cells}} AS c
SET suppressed = true,
    suppression_reason = CASE WHEN w.complementary THEN $complementary_reason
                              WHEN w.coding IS NOT NULL THEN w.coding
                              ELSE 'fewer than ' || c.min_n || ' ' || c.n_unit END,
    value_range = w.value_range
FROM suppression_work AS w
WHERE w.cell_id = c.cell_id AND w.suppressed;
