-- oss_rate: enrolled students with at least one out-of-school suspension or expulsion in the
-- period (anywhere in the district) / students enrolled that school year. Detailed periods (the
-- school year; a day asked for): one row per student, entity and period. The nightly months and
-- years to date (all students at the district, school and PLC): one row per entity and period,
-- counting the entity's enrolled students and those of them removed in the period.
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
), nightly_scopes AS (
    SELECT * FROM metric_enrolled_scopes WHERE level NOT IN ('classroom', 'student')
), enrolled AS (
    SELECT school_year, level, entity_id, count(*) AS students FROM nightly_scopes GROUP BY ALL
), removed_at AS (
    SELECT r.period, e.level, e.entity_id, count(*) AS removed
    FROM removed AS r
    JOIN nightly_scopes AS e ON e.school_year = r.school_year AND e.student_id = r.student_id
    GROUP BY ALL
)
SELECT $metric_id AS metric_id, e.school_year, p.period, e.level, e.entity_id, e.student_id,
       CASE WHEN r.student_id IS NULL THEN 0 ELSE 1 END AS numerator, 1 AS denominator, 1 AS n
FROM metric_enrolled_scopes AS e
JOIN terms AS p ON p.school_year = e.school_year AND p.detailed
LEFT JOIN removed AS r ON r.school_year = e.school_year AND r.period = p.period AND r.student_id = e.student_id
UNION ALL
SELECT $metric_id, e.school_year, p.period, e.level, e.entity_id, NULL,
       coalesce(r.removed, 0), e.students, e.students
FROM enrolled AS e
JOIN terms AS p ON p.school_year = e.school_year AND NOT p.detailed
LEFT JOIN removed_at AS r ON r.period = p.period AND r.level = e.level AND r.entity_id = e.entity_id
