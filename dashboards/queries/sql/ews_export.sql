-- The early-warning export: the indicators of every student as of one day, computed on request
-- into the temp table {{table}} (assets/early_warning/indicators.py, one row per student of the
-- day's school year, flagged or not), kept to the students the viewer may see (visible_students,
-- year by year). No names: the indicators and the values behind them.
SELECT student_id, school_id, grade_level, attendance, behavior, course, assessment, flags, supports,
       enrolled_days, absent_days, absence_rate, removals, incidents, grading_period, failing_marks,
       failing_core_marks, benchmark_date, benchmark_not_proficient
FROM {{table}}
WHERE $scope_id IS NULL OR (school_year, student_id) IN (SELECT school_year, student_id FROM visible_students)
ORDER BY school_id, student_id
