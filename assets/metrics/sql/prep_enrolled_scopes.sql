-- Every entity each enrolled student counts at in each school year: the school of the student's
-- record for the year (staging.students), its district, the student, and every section (and its
-- PLC) the student was in at any time that year. Needs metric_section_members.
CREATE OR REPLACE TEMP TABLE metric_enrolled_scopes AS
WITH enrolled AS (
    SELECT DISTINCT st.school_year, st.student_id, st.school_id, sc.district_id
    FROM staging.students AS st
    JOIN staging.schools AS sc ON sc.school_id = st.school_id
    WHERE st.school_year IS NOT NULL
)
SELECT DISTINCT school_year, student_id, 'school' AS level, school_id AS entity_id FROM enrolled
UNION ALL
SELECT DISTINCT school_year, student_id, 'district', district_id FROM enrolled
UNION ALL
SELECT DISTINCT school_year, student_id, 'student', student_id FROM enrolled
UNION ALL
SELECT DISTINCT m.school_year, m.student_id, 'classroom', m.section_id
FROM metric_section_members AS m
SEMI JOIN enrolled AS e ON e.school_year = m.school_year AND e.student_id = m.student_id
UNION ALL
SELECT DISTINCT m.school_year, m.student_id, 'plc', m.plc_id
FROM metric_section_members AS m
SEMI JOIN enrolled AS e ON e.school_year = m.school_year AND e.student_id = m.student_id
WHERE m.plc_id IS NOT NULL;
