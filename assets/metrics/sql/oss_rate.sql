-- oss_rate: enrolled students with at least one out-of-school suspension or expulsion in the
-- period (anywhere in the district) / students enrolled that school year; one row per student,
-- entity and period.
WITH terms AS (
    -- the periods of a year from its first day of enrollment on (no rate for a summer month)
    SELECT p.* FROM metric_periods AS p
    WHERE p.period = 'year' OR p.period_end >= (SELECT min(e.entry_date) FROM staging.section_enrollments AS e
                                                WHERE e.school_year = p.school_year)
), removed AS (
    SELECT DISTINCT p.school_year, p.period, d.student_id
    FROM staging.discipline_incidents AS d
    JOIN metric_periods AS p
      ON p.school_year = d.school_year AND d.incident_date BETWEEN p.period_start AND p.period_end
    WHERE list_contains($actions, lower(trim(d.action)))
)
SELECT $metric_id AS metric_id, e.school_year, p.period, e.level, e.entity_id, e.student_id,
       CASE WHEN r.student_id IS NULL THEN 0 ELSE 1 END AS numerator, 1 AS denominator, 1 AS n
FROM metric_enrolled_scopes AS e
JOIN terms AS p ON p.school_year = e.school_year
LEFT JOIN removed AS r ON r.school_year = e.school_year AND r.period = p.period AND r.student_id = e.student_id
