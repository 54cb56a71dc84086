-- Attendance by visible year and school, newest first ($attended: statuses that count as attended).
SELECT a.school_year, a.school_id, any_value(h.entity_name) AS school_name, count(*) AS days_enrolled,
       count(*) FILTER (WHERE list_contains($attended, a.status)) AS days_attended,
       count(*) FILTER (WHERE list_contains($attended, a.status)) / count(*) AS attendance_rate,
       count(*) FILTER (WHERE a.status = 'excused_absence') AS excused,
       count(*) FILTER (WHERE a.status = 'unexcused_absence') AS unexcused,
       count(*) FILTER (WHERE a.status = 'tardy') AS tardy
FROM staging.attendance_daily AS a
LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = 'school' AND h.entity_id = a.school_id
WHERE a.student_id = $student AND ($year IS NULL OR a.school_year = $year)
  AND ($scope_id IS NULL OR (a.school_year, a.student_id) IN (SELECT school_year, student_id FROM visible_students))
GROUP BY a.school_year, a.school_id ORDER BY a.school_year DESC, a.school_id
