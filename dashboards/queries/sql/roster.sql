-- The students of a school, PLC or classroom ($sections: its classrooms) in a year, among the
-- viewer's visible_students of that year.
SELECT st.student_id, st.school_id, st.grade_level, st.race_ethnicity
FROM staging.students AS st
WHERE st.school_year = $year
  AND (($level = 'school' AND st.school_id = $id)
       OR st.student_id IN (SELECT student_id FROM staging.section_enrollments
                            WHERE school_year = $year AND list_contains($sections, section_id)))
  AND ($scope_id IS NULL OR (st.school_year, st.student_id) IN (SELECT school_year, student_id FROM visible_students))
ORDER BY st.student_id
