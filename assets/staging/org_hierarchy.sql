-- The layers of the alignment model: district -> department | school -> plc -> classroom.
CREATE OR REPLACE TABLE staging.org_hierarchy AS
SELECT 'district' AS entity_level, district_id AS entity_id, district_name AS entity_name,
       NULL::VARCHAR AS parent_level, NULL::VARCHAR AS parent_id, district_id, NULL::VARCHAR AS school_id
FROM staging.districts
UNION ALL
SELECT 'department', department_id, department_name, 'district', district_id, district_id, NULL
FROM staging.departments
UNION ALL
SELECT 'school', school_id, school_name, 'district', district_id, district_id, school_id
FROM staging.schools
UNION ALL
SELECT 'plc', p.plc_id, p.plc_name, 'school', p.school_id, s.district_id, p.school_id
FROM staging.plcs AS p JOIN staging.schools AS s USING (school_id)
UNION ALL
SELECT 'classroom', c.section_id, c.course_name || ' (' || c.section_id || ')',
       CASE WHEN c.plc_id IS NULL THEN 'school' ELSE 'plc' END, coalesce(c.plc_id, c.school_id),
       s.district_id, c.school_id
FROM staging.sections AS c JOIN staging.schools AS s USING (school_id);
