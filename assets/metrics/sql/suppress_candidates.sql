-- Before complementary suppression: the populations hidden so far (too small or coded), and the
-- breakdowns it can still act on, each member with what choosing a part needs. A breakdown with
-- no shown part can never get a part hidden, and one that is all one population (a single part
-- and its twin total) never needs one; neither changes while cells are only ever hidden, so both
-- are left out and every round reads only what can matter.
CREATE OR REPLACE TEMP TABLE suppression_hidden AS
SELECT DISTINCT population FROM suppression_work WHERE suppressed;

CREATE OR REPLACE TEMP TABLE suppression_candidates AS
SELECT m.breakdown, m.is_total, w.population, w.n, w.denominator, w.entity_id, w.student_group
FROM suppression_members AS m
JOIN suppression_work AS w USING (cell_id)
WHERE m.breakdown IN (
    SELECT m.breakdown
    FROM suppression_members AS m
    JOIN suppression_work AS w USING (cell_id)
    GROUP BY m.breakdown
    HAVING bool_or(NOT m.is_total AND NOT w.suppressed) AND min(w.population) < max(w.population)
);
