-- Attendance by visible year and school, newest first ($attended: statuses that count as attended).
SELECT a.school_year, a.school_id, count(*) AS days_enrolled,
       count(*) FILTER (WHERE list_contains($attended, a.status)) AS days_attended,
       count(*) FILTER (WHERE list_contains($attended, a.status)) / count(*) AS attendance_rate,
       count(*) FILTER (WHERE a.status = 'excused_absence') AS excused,
       count(*) FILTER (WHERE a.status = 'unexcused_absence') AS unexcused,
       count(*) FILTER (WHERE a.status = 'tardy') AS tardy
FROM staging.attendance_daily AS a
WHERE a.student_id = $student AND ($year IS NULL OR a.school_year = $year)
  AND ($scope_id IS NULL OR (a.school_year, a.student_id) IN (SELECT school_year, student_id FROM visible_students))
GROUP BY a.school_year, a.school_id ORDER BY a.school_year DESC, a.school_id
