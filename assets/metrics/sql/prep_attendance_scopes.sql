-- Enrolled and attended days of each student at every entity the student counts at, in each
-- period (metric_periods), from one pass over staging.attendance_daily (one row per enrolled day;
-- a day is attended when its status is one of the metric parameter attended_statuses). The days
-- are first counted per month, then each period adds up the months it holds; days after the
-- last period end of their year are left out (a year to date ending mid-month). At a school:
-- the days there. At the district and the student level: all days in the district. At a
-- classroom or PLC: the days at that section's school (attendance is daily, not per period).
-- Needs metric_section_members.
CREATE OR REPLACE TEMP TABLE metric_attendance_scopes AS
WITH ends AS (
    SELECT school_year, max(period_end) AS last_day FROM metric_periods GROUP BY school_year
), by_month AS (
    SELECT a.school_year, a.student_id, a.school_id,
           CAST(date_trunc('month', a.calendar_date) AS DATE) AS month_start,
           count(*) AS enrolled,
           count(*) FILTER (WHERE list_contains($attended_statuses, a.status)) AS attended
    FROM staging.attendance_daily AS a
    JOIN ends AS e ON e.school_year = a.school_year AND a.calendar_date <= e.last_day
    GROUP BY ALL
), by_school AS MATERIALIZED (
    SELECT m.school_year, p.period, m.student_id, m.school_id,
           sum(m.enrolled) AS enrolled, sum(m.attended) AS attended
    FROM by_month AS m
    JOIN metric_periods AS p
      ON p.school_year = m.school_year AND m.month_start BETWEEN p.period_start AND p.period_end
    GROUP BY ALL
), by_district AS MATERIALIZED (
    SELECT b.school_year, b.period, b.student_id, s.district_id,
           sum(b.enrolled) AS enrolled, sum(b.attended) AS attended
    FROM by_school AS b
    JOIN staging.schools AS s ON s.school_id = b.school_id
    GROUP BY b.school_year, b.period, b.student_id, s.district_id
), plc_members AS (
    SELECT DISTINCT school_year, student_id, school_id, plc_id
    FROM metric_section_members
    WHERE plc_id IS NOT NULL
)
SELECT school_year, period, student_id, 'school' AS level, school_id AS entity_id, enrolled, attended
FROM by_school
UNION ALL
SELECT school_year, period, student_id, 'district', district_id, enrolled, attended
FROM by_district
UNION ALL
SELECT school_year, period, student_id, 'student', student_id, enrolled, attended
FROM by_district
UNION ALL
SELECT b.school_year, b.period, b.student_id, 'classroom', m.section_id, b.enrolled, b.attended
FROM by_school AS b
JOIN metric_section_members AS m
  ON m.school_year = b.school_year AND m.student_id = b.student_id AND m.school_id = b.school_id
UNION ALL
SELECT b.school_year, b.period, b.student_id, 'plc', p.plc_id, b.enrolled, b.attended
FROM by_school AS b
JOIN plc_members AS p
  ON p.school_year = b.school_year AND p.student_id = b.student_id AND p.school_id = b.school_id;
