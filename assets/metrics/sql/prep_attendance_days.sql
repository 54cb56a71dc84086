-- Each student's enrolled and attended days in each period (metric_periods) at each school
-- (level 'school') and in the district (level 'district': the days at all its schools), from one
-- pass over staging.attendance_daily (one row per enrolled day; a day is attended when its status
-- is one of the metric parameter attended_statuses). The days are first counted per month, then
-- each period adds up the months it holds; days after the last period end of their year are left
-- out (a year to date ending mid-month). A year with one period (a finished year; a day asked
-- for) is counted whole: its months would only be added up again.
CREATE OR REPLACE TEMP TABLE metric_attendance_days AS
WITH ends AS (
    SELECT school_year, min(period_start) AS first_day, max(period_end) AS last_day, count(*) = 1 AS one_period
    FROM metric_periods GROUP BY school_year
), by_month AS (
    SELECT a.school_year, a.student_id, a.school_id,
           CASE WHEN e.one_period THEN e.first_day ELSE CAST(date_trunc('month', a.calendar_date) AS DATE) END
               AS month_start,
           count(*) AS enrolled,
           count(*) FILTER (WHERE list_contains($attended_statuses, a.status)) AS attended
    FROM staging.attendance_daily AS a
    JOIN ends AS e ON e.school_year = a.school_year AND a.calendar_date BETWEEN e.first_day AND e.last_day
    GROUP BY ALL
), by_school AS MATERIALIZED (
    SELECT m.school_year, p.period, p.detailed, m.student_id, m.school_id,
           sum(m.enrolled) AS enrolled, sum(m.attended) AS attended
    FROM by_month AS m
    JOIN metric_periods AS p
      ON p.school_year = m.school_year AND m.month_start BETWEEN p.period_start AND p.period_end
    GROUP BY ALL
)
SELECT school_year, period, detailed, student_id, 'school' AS level, school_id AS entity_id, school_id,
       enrolled, attended
FROM by_school
UNION ALL
SELECT b.school_year, b.period, b.detailed, b.student_id, 'district', s.district_id, NULL,
       sum(b.enrolled), sum(b.attended)
FROM by_school AS b
JOIN staging.schools AS s ON s.school_id = b.school_id
GROUP BY b.school_year, b.period, b.detailed, b.student_id, s.district_id;
