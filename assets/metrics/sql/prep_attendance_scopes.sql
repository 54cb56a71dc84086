-- Enrolled and attended days of each student at every entity the student counts at, in each
-- period (metric_periods), from metric_attendance_days. At a school: the days there. At the
-- district and the student level: all days in the district. At a classroom or PLC: the days at
-- that section's school (attendance is daily, not per period). Student and classroom rows are for
-- the detailed periods only (the school year; a day asked for): the nightly months and years to
-- date are rolled up from the district to the PLC. A view, not a table: its PLC rows (a student
-- belongs to several) are joined as each family reads them rather than stored. Needs
-- metric_section_members and metric_attendance_days.
CREATE OR REPLACE TEMP VIEW metric_attendance_scopes AS
WITH plc_members AS (
    SELECT DISTINCT school_year, student_id, school_id, plc_id
    FROM metric_section_members
    WHERE plc_id IS NOT NULL
)
SELECT school_year, period, student_id, level, entity_id, enrolled, attended
FROM metric_attendance_days
UNION ALL
SELECT school_year, period, student_id, 'student', student_id, enrolled, attended
FROM metric_attendance_days
WHERE level = 'district' AND detailed
UNION ALL
SELECT d.school_year, d.period, d.student_id, 'classroom', m.section_id, d.enrolled, d.attended
FROM metric_attendance_days AS d
JOIN metric_section_members AS m
  ON m.school_year = d.school_year AND m.student_id = d.student_id AND m.school_id = d.school_id
WHERE d.detailed
UNION ALL
SELECT d.school_year, d.period, d.student_id, 'plc', p.plc_id, d.enrolled, d.attended
FROM metric_attendance_days AS d
JOIN plc_members AS p
  ON p.school_year = d.school_year AND p.student_id = d.student_id AND p.school_id = d.school_id;
