-- Discipline incidents in the visible years, newest first.
SELECT d.school_year, d.incident_date, d.school_id, h.entity_name AS school_name, d.behavior, d.action,
       d.days_removed
FROM staging.discipline_incidents AS d
LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = 'school' AND h.entity_id = d.school_id
WHERE d.student_id = $student AND ($year IS NULL OR d.school_year = $year)
  AND ($scope_id IS NULL OR (d.school_year, d.student_id) IN (SELECT school_year, student_id FROM visible_students))
ORDER BY d.incident_date DESC
