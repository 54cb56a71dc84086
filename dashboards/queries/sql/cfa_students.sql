-- Each visible student's latest result on each CFA and standard in some classrooms ($sections)
-- and year: the students of visible_students only, in the year of the result.
SELECT l.student_id, l.section_id, l.cfa_id, l.cfa_title, l.standard_code, l.administered_date, l.score,
       l.max_score, l.mastered
FROM latest AS l
WHERE $scope_id IS NULL OR (l.school_year, l.student_id) IN (SELECT school_year, student_id FROM visible_students)
ORDER BY l.section_id, l.student_id, l.administered_date, l.cfa_id, l.standard_code
