-- Meeting cadence met or missed per team of the visible entities ($teams/$team_levels: the team
-- of each level; $year NULL = every year).
SELECT v.school_year, $teams[list_position($team_levels, v.level)] AS team, v.level, v.entity_id, h.entity_name,
       v.numerator AS periods_met, v.denominator AS periods, v.value,
       CASE WHEN v.numerator = v.denominator THEN 'met' ELSE 'missed' END AS cadence
FROM mart.metric_values AS v
LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = v.level AND h.entity_id = v.entity_id
WHERE v.metric_id = 'meeting_cadence_met' AND v.period = 'year' AND v.student_group = 'all' AND v.level <> 'student'
  AND ($scope_id IS NULL OR (v.level, v.entity_id) IN (SELECT level, entity_id FROM visible_org))
  AND ($year IS NULL OR v.school_year = $year)
ORDER BY v.school_year, list_position($levels, v.level), v.entity_id
