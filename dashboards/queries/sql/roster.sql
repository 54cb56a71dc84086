-- The students of a school, PLC or classroom ($sections: its classrooms) in a year, among the
-- viewer's visible_students of that year, with their names (the `names` CTE) and school.
SELECT st.student_id, n.first_name, n.last_name, st.school_id, h.entity_name AS school_name, st.grade_level,
       st.race_ethnicity
FROM staging.students AS st
LEFT JOIN names AS n ON n.school_year = st.school_year AND n.student_id = st.student_id
LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = 'school' AND h.entity_id = st.school_id
WHERE st.school_year = $year
  AND (($level = 'school' AND st.school_id = $id)
       OR st.student_id IN (SELECT student_id FROM staging.section_enrollments
                            WHERE school_year = $year AND list_contains($sections, section_id)))
  AND ($scope_id IS NULL OR (st.school_year, st.student_id) IN (SELECT school_year, student_id FROM visible_students))
ORDER BY st.student_id
