-- oss_rate: enrolled students with at least one out-of-school suspension or expulsion in the
-- school year (anywhere in the district) / enrolled students; one row per student and entity.
WITH removed AS (
    SELECT DISTINCT school_year, student_id
    FROM staging.discipline_incidents
    WHERE list_contains($actions, lower(trim(action)))
)
SELECT $metric_id AS metric_id, e.school_year, e.level, e.entity_id, e.student_id,
       CASE WHEN r.student_id IS NULL THEN 0 ELSE 1 END AS numerator, 1 AS denominator, 1 AS n
FROM metric_enrolled_scopes AS e
LEFT JOIN removed AS r ON r.school_year = e.school_year AND r.student_id = e.student_id
