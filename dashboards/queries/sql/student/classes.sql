-- The student's classes in the visible years, newest first: course, subject, teacher and dates.
SELECT e.school_year, s.course_name, s.subject, t.staff_name AS teacher_name, h.entity_name AS school_name,
       e.entry_date, e.exit_date
FROM staging.section_enrollments AS e
LEFT JOIN staging.sections AS s ON s.section_id = e.section_id AND s.school_year = e.school_year
LEFT JOIN staging.staff AS t ON t.staff_id = s.staff_id
LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = 'school' AND h.entity_id = s.school_id
WHERE e.student_id = $student AND ($year IS NULL OR e.school_year = $year)
  AND ($scope_id IS NULL OR (e.school_year, e.student_id) IN (SELECT school_year, student_id FROM visible_students))
ORDER BY e.school_year DESC, s.course_name, e.entry_date
