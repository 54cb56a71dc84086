-- One round of complementary suppression. In every breakdown (suppress_prepare.sql: a total and
-- its parts) where exactly one population is hidden, also hide the shown part with the smallest
-- n (then denominator, then name), with every cell of its population, so the hidden one cannot
-- be derived from the others. Cells that are one population count once: hiding a cell's twin is
-- not a second hidden cell. The engine repeats rounds until one hides nothing (each round can
-- leave another breakdown with a single hidden population). Only the breakdowns holding a
-- hidden cell are grouped, so a round costs about one pass over the hidden cells.
UPDATE suppression_work AS w
SET suppressed = true, complementary = true
FROM (
    SELECT DISTINCT arg_min(x.population, (x.n, x.denominator, x.entity_id, x.student_group)) AS population
    FROM (
        SELECT m.breakdown
        FROM suppression_members AS m
        JOIN suppression_work AS h ON h.cell_id = m.cell_id AND h.suppressed
        GROUP BY m.breakdown HAVING count(DISTINCT h.population) = 1
    ) AS one
    JOIN suppression_members AS m ON m.breakdown = one.breakdown AND NOT m.is_total
    JOIN suppression_work AS x ON x.cell_id = m.cell_id AND NOT x.suppressed
    GROUP BY one.breakdown
) AS pick
WHERE w.population = pick.population AND NOT w.suppressed
