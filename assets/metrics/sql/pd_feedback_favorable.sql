-- pd_feedback_favorable: feedback ratings of $favorable_min or more / ratings given (blank
-- ratings do not count) on the professional learning completed in the school year. One row per
-- staff member with a rating and entity (school, department, district).
WITH per_staff AS MATERIALIZED (
    SELECT p.school_year, r.staff_id, r.school_id, r.department_id, r.district_id,
           count(*) FILTER (WHERE p.feedback_rating >= $favorable_min) AS favorable,
           count(*) AS rated
    FROM staging.professional_learning AS p
    JOIN metric_staff_roster AS r ON r.staff_id = p.staff_id
    WHERE p.feedback_rating IS NOT NULL AND p.school_year IS NOT NULL
    GROUP BY ALL
)
SELECT $metric_id AS metric_id, school_year, 'school' AS level, school_id AS entity_id,
       NULL::VARCHAR AS student_id, favorable AS numerator, rated AS denominator, 1 AS n
FROM per_staff WHERE school_id IS NOT NULL
UNION ALL
SELECT $metric_id, school_year, 'department', department_id, NULL, favorable, rated, 1
FROM per_staff WHERE department_id IS NOT NULL
UNION ALL
SELECT $metric_id, school_year, 'district', district_id, NULL, favorable, rated, 1
FROM per_staff WHERE district_id IS NOT NULL
