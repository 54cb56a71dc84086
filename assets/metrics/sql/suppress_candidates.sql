-- Before complementary suppression: each cell's population (a twin's, or its own), the
-- populations hidden so far (too small or coded: round 0), and the breakdowns complementary
-- suppression can still act on, each member with what choosing a part needs. A breakdown with
-- no shown part can never get a part hidden, and one that is all one population (a single part
-- and its twin total) never needs one; neither changes while cells are only ever hidden, so both
-- are left out and every round reads only what can matter.
CREATE OR REPLACE TEMP TABLE suppression_work AS
SELECT c.cell_id, coalesce(p.population, c.cell_id) AS population, c.suppressed, c.n, c.denominator,
       c.entity_id, c.student_group
FROM suppression_cells AS c
LEFT JOIN suppression_populations AS p USING (cell_id);

CREATE OR REPLACE TEMP TABLE suppression_hidden AS
SELECT DISTINCT population, 0 AS round FROM suppression_work WHERE suppressed;

CREATE OR REPLACE TEMP TABLE suppression_candidates AS
WITH live AS (
    SELECT m.breakdown
    FROM suppression_members AS m
    JOIN suppression_work AS w USING (cell_id)
    GROUP BY m.breakdown
    HAVING bool_or(NOT m.is_total AND NOT w.suppressed) AND min(w.population) < max(w.population)
)
SELECT m.breakdown, m.is_total, w.population, w.n, w.denominator, w.entity_id, w.student_group
FROM suppression_members AS m
JOIN suppression_work AS w USING (cell_id)
SEMI JOIN live USING (breakdown);
