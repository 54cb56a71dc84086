-- The student's latest visible year (or $year): name (the `names` CTE), school, grade,
-- race/ethnicity and groups.
SELECT st.student_id, n.first_name, n.last_name, st.school_id, h.entity_name AS school_name, st.grade_level,
       st.school_year, st.race_ethnicity,
       (SELECT list(student_group ORDER BY student_group) FROM staging.student_groups AS g
        WHERE g.student_id = st.student_id AND g.school_year = st.school_year
          AND g.student_group <> 'all') AS groups
FROM staging.students AS st
LEFT JOIN names AS n ON n.school_year = st.school_year AND n.student_id = st.student_id
LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = 'school' AND h.entity_id = st.school_id
WHERE st.student_id = $student AND ($year IS NULL OR st.school_year = $year)
  AND ($scope_id IS NULL OR (st.school_year, st.student_id) IN (SELECT school_year, student_id FROM visible_students))
ORDER BY st.school_year DESC LIMIT 1
