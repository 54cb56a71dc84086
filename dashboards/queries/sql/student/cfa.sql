-- The latest result on each CFA and standard (the `latest` CTE of cfa_latest.sql) in the visible
-- years, with the course of the classroom it was given in.
SELECT l.school_year, l.cfa_id, l.cfa_title, s.course_name, l.standard_code, l.administered_date, l.score,
       l.max_score, l.mastered
FROM latest AS l
LEFT JOIN staging.sections AS s ON s.section_id = l.section_id AND s.school_year = l.school_year
WHERE $scope_id IS NULL OR (l.school_year, l.student_id) IN (SELECT school_year, student_id FROM visible_students)
ORDER BY l.administered_date DESC, l.cfa_id, l.standard_code
