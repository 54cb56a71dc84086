-- Copy the flags back to the cells, with the reason a viewer is shown.
UPDATE {{cells}} AS c
SET suppressed = true,
    suppression_reason = CASE WHEN w.complementary THEN 'complementary'
                              ELSE 'fewer than ' || c.min_n || ' ' || c.n_unit END
FROM suppression_work AS w
WHERE w.cell_id = c.cell_id AND w.suppressed
