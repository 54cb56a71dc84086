-- The chronic_absence_rate metric's own rule (its SQL file, filled in below; it reads
-- metric_attendance_scopes), applied to each student's days up to each date: the period of a
-- scope is the year to date through that date. $cutoff is the metric's cut-off for $attendance
-- `chronic`, or the early-warning share for `severe`. A student reaches it when the rule counts
-- them in its numerator.
INSERT INTO ews_absence_rule
SELECT CAST(period AS DATE) AS as_of, $attendance AS attendance, student_id
FROM (
    WITH metric_attendance_scopes AS (
        SELECT school_year, CAST(as_of AS VARCHAR) AS period, 'student' AS level, student_id AS entity_id,
               student_id, enrolled, attended
        FROM ews_attendance
    )
    {{rule}}
)
WHERE numerator = 1;
