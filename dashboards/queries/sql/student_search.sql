-- Students the viewer may see whose id starts with $text, or whose first, last or full name
-- contains it (case-insensitive), at most $limit: each with their latest visible year, school
-- and grade. Students of visible_students only (any year they were in the scope).
, found AS (
    SELECT st.student_id, st.school_year, st.school_id, st.grade_level, n.first_name, n.last_name
    FROM staging.students AS st
    LEFT JOIN names AS n ON n.school_year = st.school_year AND n.student_id = st.student_id
    WHERE (starts_with(lower(st.student_id), lower($text))
           OR contains(lower(concat_ws(' ', n.first_name, n.last_name)), lower($text))
           OR contains(lower(concat_ws(' ', n.last_name, n.first_name)), lower($text)))
      AND ($scope_id IS NULL OR (st.school_year, st.student_id) IN (SELECT school_year, student_id FROM visible_students))
    QUALIFY row_number() OVER (PARTITION BY st.student_id ORDER BY st.school_year DESC) = 1
)
SELECT f.student_id, f.first_name, f.last_name, f.school_year, f.school_id, h.entity_name AS school_name,
       f.grade_level
FROM found AS f
LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = 'school' AND h.entity_id = f.school_id
ORDER BY f.last_name, f.first_name, f.student_id
LIMIT $limit
