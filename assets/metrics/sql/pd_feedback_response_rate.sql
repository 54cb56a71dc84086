-- pd_feedback_response_rate: professional-learning activities completed in the period with a
-- feedback rating / activities completed. One row per staff member with a completed activity,
-- entity (school, department, district) and period.
WITH per_staff AS MATERIALIZED (
    SELECT l.school_year, p.period, r.staff_id, r.school_id, r.department_id, r.district_id,
           count(l.feedback_rating) AS rated, count(*) AS completed
    FROM staging.professional_learning AS l
    JOIN metric_staff_roster AS r ON r.staff_id = l.staff_id
    JOIN metric_periods AS p
      ON p.school_year = l.school_year AND l.completed_date BETWEEN p.period_start AND p.period_end
    WHERE l.school_year IS NOT NULL
    GROUP BY ALL
)
SELECT $metric_id AS metric_id, school_year, period, 'school' AS level, school_id AS entity_id,
       NULL::VARCHAR AS student_id, rated AS numerator, completed AS denominator, 1 AS n
FROM per_staff WHERE school_id IS NOT NULL
UNION ALL
SELECT $metric_id, school_year, period, 'department', department_id, NULL, rated, completed, 1
FROM per_staff WHERE department_id IS NOT NULL
UNION ALL
SELECT $metric_id, school_year, period, 'district', district_id, NULL, rated, completed, 1
FROM per_staff WHERE district_id IS NOT NULL
