-- One metric of one entity and year for every student group, hidden by the viewer's audience.
, cells AS (
    SELECT v.*, hidden_for($audience, $staff_public, in_scope, v.suppressed, v.n, m.min_n) AS hidden,
           hidden_reason($audience, $staff_public, in_scope, v.suppressed, v.suppression_reason, v.n, m.min_n,
                         m.n_unit) AS hidden_because
    FROM mart.metric_cells AS v
    JOIN mart.metric_catalog AS m ON m.metric_key = split_part(v.metric_id, '.', 1),
         (SELECT ($level, $id) IN (SELECT level, entity_id FROM below) AS in_scope)
    WHERE v.level = $level AND v.entity_id = $id AND v.metric_id = $metric
      AND v.school_year = $year AND v.period = 'year'
)
SELECT student_group,
       CASE WHEN hidden THEN NULL ELSE value END AS value,
       CASE WHEN hidden THEN NULL ELSE numerator END AS numerator,
       CASE WHEN hidden THEN NULL ELSE denominator END AS denominator,
       CASE WHEN hidden THEN NULL ELSE n END::DOUBLE AS n,
       hidden AS suppressed, hidden_because AS suppression_reason
FROM cells
ORDER BY student_group <> 'all', student_group
