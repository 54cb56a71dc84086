-- A section enrollment belongs to its section's school year.
CREATE OR REPLACE TABLE staging.section_enrollments AS
SELECT e.section_id, e.student_id, e.entry_date, e.exit_date, s.school_year
FROM raw.section_enrollments AS e
JOIN raw.sections AS s USING (section_id);
