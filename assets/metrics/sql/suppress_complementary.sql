-- One round of complementary suppression. In every breakdown (suppress_prepare.sql: a total and
-- its parts) where exactly one population is hidden, also hide the shown part with the smallest
-- n (then denominator, then name), with every cell of its population, so the hidden one cannot
-- be derived from the others. Cells that are one population count once: hiding a cell's twin is
-- not a second hidden cell. The engine repeats rounds until one hides nothing (each round can
-- leave another breakdown with a single hidden population); suppress_apply.sql marks the cells.
INSERT INTO suppression_hidden
SELECT DISTINCT arg_min(m.population, (m.n, m.denominator, m.entity_id, m.student_group))
FROM suppression_candidates AS m
SEMI JOIN (
    SELECT c.breakdown
    FROM suppression_candidates AS c
    SEMI JOIN suppression_hidden AS h ON h.population = c.population
    GROUP BY c.breakdown
    HAVING min(c.population) = max(c.population)
) AS one ON one.breakdown = m.breakdown
ANTI JOIN suppression_hidden AS h ON h.population = m.population
WHERE NOT m.is_total
GROUP BY m.breakdown
