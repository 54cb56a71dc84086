-- The re-teach groups: each visible student whose latest result (the `latest` CTE of
-- cfa_latest.sql over $sections and $year) on a standard of one assessment ($cfa) or on one
-- standard ($standard) is below the cut, with their classroom and (when students.csv has them)
-- names: students of visible_students only, in the year of the result.
SELECT l.section_id, h.entity_name AS classroom_name, l.cfa_id, l.cfa_title, l.standard_code,
       l.administered_date, l.student_id, n.first_name, n.last_name, l.score, l.max_score
FROM latest AS l
LEFT JOIN names AS n ON n.school_year = l.school_year AND n.student_id = l.student_id
LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = 'classroom' AND h.entity_id = l.section_id
WHERE NOT l.mastered AND ($cfa IS NULL OR l.cfa_id = $cfa) AND ($standard IS NULL OR l.standard_code = $standard)
  AND ($scope_id IS NULL OR (l.school_year, l.student_id) IN (SELECT school_year, student_id FROM visible_students))
ORDER BY classroom_name, l.section_id, l.standard_code, l.cfa_id, n.last_name, n.first_name, l.student_id
