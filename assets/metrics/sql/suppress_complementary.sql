-- One round of complementary suppression. In every breakdown (suppress_prepare.sql: a total and
-- its parts) where exactly one population is hidden, also hide the shown part with the smallest
-- n (then denominator, then name), with every cell of its population, so the hidden one cannot
-- be derived from the others. Cells that are one population count once: hiding a cell's twin is
-- not a second hidden cell. The engine repeats rounds ($round = 1, 2 ...) until one hides
-- nothing. Populations are only ever added, so a breakdown can come to have exactly one hidden
-- population only in the round after that population was hidden: each round looks only at the
-- breakdowns holding a population the round before hid. suppress_apply.sql marks the cells.
INSERT INTO suppression_hidden
WITH touched AS (
    SELECT DISTINCT c.breakdown
    FROM suppression_candidates AS c
    SEMI JOIN (SELECT population FROM suppression_hidden WHERE round = $round - 1) AS h USING (population)
),
members AS (
    SELECT c.* FROM suppression_candidates AS c SEMI JOIN touched USING (breakdown)
),
one AS (
    SELECT c.breakdown
    FROM members AS c
    SEMI JOIN suppression_hidden AS h USING (population)
    GROUP BY c.breakdown
    HAVING min(c.population) = max(c.population)
)
SELECT DISTINCT arg_min(m.population, (m.n, m.denominator, m.entity_id, m.student_group)), $round
FROM members AS m
SEMI JOIN one USING (breakdown)
ANTI JOIN suppression_hidden AS h USING (population)
WHERE NOT m.is_total
GROUP BY m.breakdown
