-- pd_feedback_favorable: feedback ratings of $favorable_min or more / ratings given (blank
-- ratings do not count) on the professional learning completed in the period. One row per
-- staff member with a rating, entity (school, department, district) and period.
WITH per_staff AS MATERIALIZED (
    SELECT l.school_year, p.period, r.staff_id, r.school_id, r.department_id, r.district_id,
           count(*) FILTER (WHERE l.feedback_rating >= $favorable_min) AS favorable,
           count(*) AS rated
    FROM staging.professional_learning AS l
    JOIN metric_staff_roster AS r ON r.staff_id = l.staff_id
    JOIN metric_periods AS p
      ON p.school_year = l.school_year AND l.completed_date BETWEEN p.period_start AND p.period_end
    WHERE l.feedback_rating IS NOT NULL AND l.school_year IS NOT NULL
    GROUP BY ALL
)
SELECT $metric_id AS metric_id, school_year, period, 'school' AS level, school_id AS entity_id,
       NULL::VARCHAR AS student_id, favorable AS numerator, rated AS denominator, 1 AS n
FROM per_staff WHERE school_id IS NOT NULL
UNION ALL
SELECT $metric_id, school_year, period, 'department', department_id, NULL, favorable, rated, 1
FROM per_staff WHERE department_id IS NOT NULL
UNION ALL
SELECT $metric_id, school_year, period, 'district', district_id, NULL, favorable, rated, 1
FROM per_staff WHERE district_id IS NOT NULL
