-- MTSS interventions in the visible years, newest first.
SELECT i.school_year, i.area, i.tier, i.intervention_name, i.identified_date, i.start_date, i.end_date
FROM staging.mtss_interventions AS i
WHERE i.student_id = $student AND ($year IS NULL OR i.school_year = $year)
  AND ($scope_id IS NULL OR (i.school_year, i.student_id) IN (SELECT school_year, student_id FROM visible_students))
ORDER BY i.identified_date DESC, i.area, i.tier
