-- attendance_rate: attended days / enrolled days; one row per student and entity.
SELECT $metric_id AS metric_id, school_year, period, level, entity_id, student_id,
       attended AS numerator, enrolled AS denominator, 1 AS n
FROM metric_attendance_scopes
