-- Enrolled and attended days of each student in the school year up to each date, across all the
-- schools of the year (a day is attended when its status is one of the chronic_absence_rate
-- metric's attended_statuses). One pass over the attendance: each school day counts in the first
-- date on or after it (ews_days, a few hundred rows: a hash join, not a range join over every
-- attendance row), then the counts accumulate date by date.
CREATE OR REPLACE TEMP TABLE ews_days AS
SELECT a.calendar_date, d.as_of
FROM (SELECT DISTINCT calendar_date, school_year FROM staging.attendance_daily) AS a
ASOF JOIN ews_dates AS d ON d.school_year = a.school_year AND a.calendar_date <= d.as_of;

CREATE OR REPLACE TEMP TABLE ews_attendance AS
WITH by_date AS (
    SELECT d.as_of, a.student_id,
           count(*) AS enrolled,
           count(*) FILTER (WHERE list_contains($attended_statuses, a.status)) AS attended
    FROM staging.attendance_daily AS a
    JOIN ews_days AS d ON d.calendar_date = a.calendar_date
    GROUP BY d.as_of, a.student_id
)
SELECT s.as_of, s.school_year, s.student_id,
       (sum(coalesce(b.enrolled, 0)) OVER to_date)::INTEGER AS enrolled,
       (sum(coalesce(b.attended, 0)) OVER to_date)::INTEGER AS attended
FROM ews_students AS s
LEFT JOIN by_date AS b ON b.as_of = s.as_of AND b.student_id = s.student_id
WINDOW to_date AS (PARTITION BY s.school_year, s.student_id ORDER BY s.as_of
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW);
