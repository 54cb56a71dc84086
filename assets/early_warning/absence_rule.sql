-- The chronic_absence_rate metric's own rule (its SQL file, filled in below; it reads
-- metric_attendance_scopes), applied to each student's days up to one date; $cutoff is the
-- metric's cut-off for $attendance `chronic`, or the early-warning share for `severe`. A student
-- reaches it when the rule counts them in its numerator.
INSERT INTO ews_absence_rule
SELECT $as_of AS as_of, $attendance AS attendance, student_id
FROM (
    WITH metric_attendance_scopes AS (
        SELECT school_year, 'student' AS level, student_id AS entity_id, student_id, enrolled, attended
        FROM ews_attendance
        WHERE as_of = $as_of
    )
    {{rule}}
)
WHERE numerator = 1;
