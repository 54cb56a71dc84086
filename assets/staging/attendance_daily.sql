-- Attendance as the metrics read it: tardy and early departure count as attended.
CREATE OR REPLACE VIEW staging.attendance_daily AS
SELECT student_id, school_id, calendar_date, status, school_year,
       status IN ('present', 'tardy', 'early_departure') AS attended
FROM raw.attendance_daily;
