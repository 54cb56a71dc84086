-- The dates the indicators are judged on, and the students of each date's school year (one row
-- per student and date: the student's primary school and grade of that year), optionally of one
-- school. Every other step of the indicators reads these two tables.
CREATE OR REPLACE TEMP TABLE ews_dates AS
SELECT DISTINCT as_of, school_year_of(as_of)::INTEGER AS school_year
FROM (SELECT unnest($dates::DATE[]) AS as_of);

CREATE OR REPLACE TEMP TABLE ews_students AS
SELECT d.as_of, d.school_year, s.student_id, s.school_id, s.grade_level
FROM ews_dates AS d
JOIN staging.students AS s ON s.school_year = d.school_year
WHERE $school::VARCHAR IS NULL OR s.school_id = $school::VARCHAR;
