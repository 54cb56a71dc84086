-- Assessment results in the visible years, newest first.
SELECT a.school_year, a.assessment_name, a.subject, a."window", a.test_date, a.scale_score,
       a.performance_level, a.proficient
FROM staging.assessments AS a
WHERE a.student_id = $student AND ($year IS NULL OR a.school_year = $year)
  AND ($scope_id IS NULL OR (a.school_year, a.student_id) IN (SELECT school_year, student_id FROM visible_students))
ORDER BY a.test_date DESC, a.assessment_name, a.subject
