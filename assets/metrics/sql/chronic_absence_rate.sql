-- chronic_absence_rate: among students with at least $min_enrolled_days enrolled days at the
-- entity in the period, those whose absent / enrolled days reach the cutoff (exactly the cutoff counts; the
-- 1e-9 tolerance keeps a decimal tie from losing to binary rounding).
SELECT $metric_id AS metric_id, school_year, period, level, entity_id, student_id,
       CASE WHEN (enrolled - attended) / enrolled >= $cutoff - 1e-9 THEN 1 ELSE 0 END AS numerator,
       1 AS denominator, 1 AS n
FROM metric_attendance_scopes
WHERE enrolled >= $min_enrolled_days
