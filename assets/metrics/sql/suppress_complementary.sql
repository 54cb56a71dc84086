-- One round of complementary suppression. In every breakdown with exactly one suppressed cell,
-- also suppress its unsuppressed cell with the smallest n (then denominator, then name), so the
-- hidden cell cannot be derived from the total. A breakdown (numbered in suppress_prepare.sql) is
--   (a) the groups of one dimension at one entity, e.g. the race_ethnicity:* cells of a school;
--   (b) the child entities of one parent for one group, e.g. the schools of a district.
-- The engine repeats rounds until one suppresses nothing (each round can leave a breakdown of
-- the other kind with a single suppressed cell). Only the few breakdowns that hold exactly one
-- suppressed cell are looked at, so a round costs one pass over the cells.
UPDATE suppression_work AS w
SET suppressed = true, complementary = true
FROM (
    SELECT arg_min(x.cell_id, (x.n, x.denominator, x.student_group)) AS cell_id
    FROM suppression_work AS x
    JOIN (
        SELECT group_breakdown FROM suppression_work
        WHERE suppressed AND group_breakdown IS NOT NULL
        GROUP BY group_breakdown HAVING count(*) = 1
    ) AS one USING (group_breakdown)
    WHERE NOT x.suppressed
    GROUP BY x.group_breakdown
    UNION
    SELECT arg_min(x.cell_id, (x.n, x.denominator, x.entity_id))
    FROM suppression_work AS x
    JOIN (
        SELECT parent_breakdown FROM suppression_work
        WHERE suppressed AND parent_breakdown IS NOT NULL
        GROUP BY parent_breakdown HAVING count(*) = 1
    ) AS one USING (parent_breakdown)
    WHERE NOT x.suppressed
    GROUP BY x.parent_breakdown
) AS pick
WHERE w.cell_id = pick.cell_id
