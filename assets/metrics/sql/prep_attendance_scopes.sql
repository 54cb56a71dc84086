-- Enrolled and attended days of each student at every entity the student counts at, from one
-- pass over staging.attendance_daily (one row per enrolled day; a day is attended when its
-- status is one of the metric parameter attended_statuses). At a school: the days there. At the
-- district and the student level: all days in the district. At a classroom or PLC: the days at
-- that section's school (attendance is daily, not per period). Needs metric_section_members.
CREATE OR REPLACE TEMP TABLE metric_attendance_scopes AS
WITH by_school AS MATERIALIZED (
    SELECT school_year, student_id, school_id,
           count(*) AS enrolled,
           count(*) FILTER (WHERE list_contains($attended_statuses, status)) AS attended
    FROM staging.attendance_daily
    WHERE school_year IS NOT NULL
    GROUP BY school_year, student_id, school_id
), by_district AS MATERIALIZED (
    SELECT b.school_year, b.student_id, s.district_id,
           sum(b.enrolled) AS enrolled, sum(b.attended) AS attended
    FROM by_school AS b
    JOIN staging.schools AS s ON s.school_id = b.school_id
    GROUP BY b.school_year, b.student_id, s.district_id
), plc_members AS (
    SELECT DISTINCT school_year, student_id, school_id, plc_id
    FROM metric_section_members
    WHERE plc_id IS NOT NULL
)
SELECT school_year, student_id, 'school' AS level, school_id AS entity_id, enrolled, attended
FROM by_school
UNION ALL
SELECT school_year, student_id, 'district', district_id, enrolled, attended
FROM by_district
UNION ALL
SELECT school_year, student_id, 'student', student_id, enrolled, attended
FROM by_district
UNION ALL
SELECT b.school_year, b.student_id, 'classroom', m.section_id, b.enrolled, b.attended
FROM by_school AS b
JOIN metric_section_members AS m
  ON m.school_year = b.school_year AND m.student_id = b.student_id AND m.school_id = b.school_id
UNION ALL
SELECT b.school_year, b.student_id, 'plc', p.plc_id, b.enrolled, b.attended
FROM by_school AS b
JOIN plc_members AS p
  ON p.school_year = b.school_year AND p.student_id = b.student_id AND p.school_id = b.school_id;
