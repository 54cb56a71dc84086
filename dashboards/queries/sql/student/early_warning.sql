-- The student's early-warning indicators at each month end of the visible years, newest first.
SELECT w.school_year, w.as_of, w.attendance, w.absence_rate, w.absent_days, w.enrolled_days, w.behavior,
       w.removals, w.incidents, w.course, w.grading_period, w.failing_marks, w.assessment,
       w.benchmark_not_proficient, w.flags, w.supports
FROM mart.early_warning AS w
WHERE w.student_id = $student AND ($year IS NULL OR w.school_year = $year)
  AND ($scope_id IS NULL OR (w.school_year, w.student_id) IN (SELECT school_year, student_id FROM visible_students))
ORDER BY w.as_of DESC
