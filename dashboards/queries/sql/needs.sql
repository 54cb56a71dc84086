-- The needs assessment of one entity and year, hidden by the viewer's audience: a metric row by
-- its n, a group-gap row by the smaller of the group's n and the other students' n (the gap is
-- worked out from both); a hidden row has no assessment, rank or flag either, and the public see
-- no district value that the district's own cell hides.
, rows AS (
    SELECT a.*, hidden_for($audience, $staff_public, in_scope, a.suppressed,
                           CASE WHEN a.row_type = 'group_gap' THEN least(a.n, a.others_n) ELSE a.n END,
                           m.min_n) AS hidden
    FROM mart.needs_assessment AS a
    JOIN mart.metric_catalog AS m ON m.metric_key = split_part(a.metric_id, '.', 1),
         (SELECT ($level, $entity_id) IN (SELECT level, entity_id FROM below) AS in_scope)
    WHERE a.level = $level AND a.entity_id = $entity_id AND a.school_year = $year
)
SELECT * EXCLUDE (hidden, district_suppressed) REPLACE (
    CASE WHEN hidden THEN NULL ELSE value END::DOUBLE AS value,
    CASE WHEN hidden THEN NULL ELSE n END::DOUBLE AS n,
    CASE WHEN hidden THEN NULL ELSE gap_to_target END::DOUBLE AS gap_to_target,
    CASE WHEN hidden OR (district_suppressed AND ($audience = 'public' OR $staff_public)) THEN NULL
         ELSE gap_to_district END::DOUBLE AS gap_to_district,
    CASE WHEN district_suppressed AND ($audience = 'public' OR $staff_public) THEN NULL
         ELSE district_value END::DOUBLE AS district_value,
    CASE WHEN hidden THEN NULL ELSE assessment END AS assessment,
    CASE WHEN hidden THEN NULL ELSE rank END AS rank,
    CASE WHEN hidden THEN NULL ELSE large_gap END AS large_gap,
    CASE WHEN hidden THEN NULL ELSE possible_systemic_inequity END AS possible_systemic_inequity,
    CASE WHEN hidden THEN NULL ELSE others_value END::DOUBLE AS others_value,
    CASE WHEN hidden THEN NULL ELSE others_n END::DOUBLE AS others_n,
    CASE WHEN hidden THEN NULL ELSE group_gap END::DOUBLE AS group_gap,
    hidden AS suppressed)
FROM rows
ORDER BY row_type DESC, rank NULLS LAST, metric_id, student_group
