-- mandatory_pd_hours_by_setting.<setting>: hours of $category professional learning completed in
-- the period in sessions held in the setting (session_time school_day | after_hours,
-- session_location on_site | off_site) / staff on the roster (staff with none count as 0), for
-- every period and setting the professional-learning data names (no rows without the optional
-- columns). One row per staff member, setting, entity (school, department, district) and period.
WITH learning AS (
    SELECT p.school_year, p.period, l.staff_id, lower(trim(l.category)) AS category, l.hours,
           unnest([lower(trim(l.session_time)), lower(trim(l.session_location))]) AS setting
    FROM staging.professional_learning AS l
    JOIN metric_periods AS p
      ON p.school_year = l.school_year AND l.completed_date BETWEEN p.period_start AND p.period_end
), settings AS (
    SELECT DISTINCT school_year, period, setting FROM learning WHERE setting IS NOT NULL
), hours AS (
    SELECT school_year, period, setting, staff_id, sum(hours) AS hours
    FROM learning
    WHERE category = $category AND hours IS NOT NULL AND setting IS NOT NULL
    GROUP BY ALL
), per_staff AS MATERIALIZED (
    SELECT y.school_year, y.period, y.setting, r.staff_id, r.school_id, r.department_id, r.district_id,
           coalesce(h.hours, 0) AS hours
    FROM settings AS y
    CROSS JOIN metric_staff_roster AS r
    LEFT JOIN hours AS h
      ON h.school_year = y.school_year AND h.period = y.period AND h.setting = y.setting AND h.staff_id = r.staff_id
)
SELECT $metric_id || '.' || setting AS metric_id, school_year, period, 'school' AS level,
       school_id AS entity_id, NULL::VARCHAR AS student_id, hours AS numerator, 1 AS denominator, 1 AS n
FROM per_staff WHERE school_id IS NOT NULL
UNION ALL
SELECT $metric_id || '.' || setting, school_year, period, 'department', department_id, NULL, hours, 1, 1
FROM per_staff WHERE department_id IS NOT NULL
UNION ALL
SELECT $metric_id || '.' || setting, school_year, period, 'district', district_id, NULL, hours, 1, 1
FROM per_staff WHERE district_id IS NOT NULL
