-- Who counts at which classroom and PLC: a student counts at a section, and at the section's
-- PLC, if enrolled in it at any time in the section's school year (DESIGN.md "Layers").
CREATE OR REPLACE TEMP TABLE metric_section_members AS
SELECT DISTINCT e.school_year, e.student_id, e.section_id, s.plc_id, s.school_id
FROM staging.section_enrollments AS e
JOIN staging.sections AS s ON s.section_id = e.section_id AND s.school_year = e.school_year;
