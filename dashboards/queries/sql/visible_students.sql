-- The students a viewer may see (scope.sql's visible_students): enrolled that year at a school in
-- `below` or in a classroom (section) in `below`.
SELECT st.school_year, st.student_id
FROM staging.students AS st JOIN below AS b ON b.level = 'school' AND b.entity_id = st.school_id
UNION
SELECT e.school_year, e.student_id
FROM staging.section_enrollments AS e JOIN below AS b ON b.level = 'classroom' AND b.entity_id = e.section_id
