-- The students of the chosen entity ($level, $entity) in each school year, as a CTE `members`: a
-- district's or a school's by their school of the year, a PLC's or a classroom's by section
-- enrollment (as the rosters count them).
, members AS (
    SELECT st.school_year, st.student_id
    FROM staging.students AS st
    JOIN staging.org_hierarchy AS h ON h.entity_level = 'school' AND h.entity_id = st.school_id
    WHERE ($level = 'district' AND h.district_id = $entity) OR ($level = 'school' AND st.school_id = $entity)
    UNION
    SELECT e.school_year, e.student_id
    FROM staging.section_enrollments AS e
    JOIN staging.org_hierarchy AS h ON h.entity_level = 'classroom' AND h.entity_id = e.section_id
    WHERE ($level = 'classroom' AND e.section_id = $entity)
       OR ($level = 'plc' AND h.parent_level = 'plc' AND h.parent_id = $entity)
)
