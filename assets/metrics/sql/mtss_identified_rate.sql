-- mtss_identified_rate: enrolled students identified for tier 2 or 3 support (any area) in the
-- school year / enrolled students; one row per student and entity.
WITH identified AS (
    SELECT DISTINCT school_year, student_id
    FROM staging.mtss_interventions
    WHERE list_contains($tiers, tier)
)
SELECT $metric_id AS metric_id, e.school_year, e.level, e.entity_id, e.student_id,
       CASE WHEN i.student_id IS NULL THEN 0 ELSE 1 END AS numerator, 1 AS denominator, 1 AS n
FROM metric_enrolled_scopes AS e
LEFT JOIN identified AS i ON i.school_year = e.school_year AND i.student_id = e.student_id
