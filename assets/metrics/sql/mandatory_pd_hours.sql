-- mandatory_pd_hours: hours of $category professional learning completed in the school year
-- / staff on the roster (staff with no hours count as 0), for every year with professional-
-- learning data. One row per staff member and entity (school, department, district).
WITH years AS (
    SELECT DISTINCT school_year FROM staging.professional_learning WHERE school_year IS NOT NULL
), hours AS (
    SELECT school_year, staff_id, sum(hours) AS hours
    FROM staging.professional_learning
    WHERE lower(trim(category)) = $category AND hours IS NOT NULL
    GROUP BY ALL
), per_staff AS MATERIALIZED (
    SELECT y.school_year, r.staff_id, r.school_id, r.department_id, r.district_id,
           coalesce(h.hours, 0) AS hours
    FROM years AS y
    CROSS JOIN metric_staff_roster AS r
    LEFT JOIN hours AS h ON h.school_year = y.school_year AND h.staff_id = r.staff_id
)
SELECT $metric_id AS metric_id, school_year, 'school' AS level, school_id AS entity_id,
       NULL::VARCHAR AS student_id, hours AS numerator, 1 AS denominator, 1 AS n
FROM per_staff WHERE school_id IS NOT NULL
UNION ALL
SELECT $metric_id, school_year, 'department', department_id, NULL, hours, 1, 1
FROM per_staff WHERE department_id IS NOT NULL
UNION ALL
SELECT $metric_id, school_year, 'district', district_id, NULL, hours, 1, 1
FROM per_staff WHERE district_id IS NOT NULL
