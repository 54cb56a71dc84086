-- One round of complementary suppression. In every breakdown with exactly one suppressed cell,
-- also suppress its unsuppressed cell with the smallest n (then denominator, then name), so the
-- hidden cell cannot be derived from the total. A breakdown is
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
        SELECT metric_id, metric_version, school_year, period, level, entity_id, dimension
        FROM suppression_work
        WHERE suppressed AND dimension IS NOT NULL
        GROUP BY ALL
        HAVING count(*) = 1
    ) AS one USING (metric_id, metric_version, school_year, period, level, entity_id, dimension)
    WHERE NOT x.suppressed
    GROUP BY x.metric_id, x.metric_version, x.school_year, x.period, x.level, x.entity_id, x.dimension
    UNION
    SELECT arg_min(x.cell_id, (x.n, x.denominator, x.entity_id))
    FROM suppression_work AS x
    JOIN (
        SELECT metric_id, metric_version, school_year, period, level, parent_level, parent_id, student_group
        FROM suppression_work
        WHERE suppressed AND parent_id IS NOT NULL
        GROUP BY ALL
        HAVING count(*) = 1
    ) AS one USING (metric_id, metric_version, school_year, period, level, parent_level, parent_id, student_group)
    WHERE NOT x.suppressed
    GROUP BY x.metric_id, x.metric_version, x.school_year, x.period, x.level, x.parent_level, x.parent_id,
             x.student_group
) AS pick
WHERE w.cell_id = pick.cell_id
