-- mtss_identified_rate: enrolled students identified for tier 2 or 3 support (any area) / students
-- enrolled that school year. The school year counts every identification of the year (its
-- school_year column); a year to date those identified by its end (earlier dates count: identified
-- before July 1 for the year), a month those identified in it. Detailed periods (the school year;
-- a day asked for): one row per student, entity and period. The nightly months and years to date
-- (all students at the district, school and PLC): one row per entity and period, counting the
-- entity's enrolled students and those of them identified in the period.
WITH terms AS (
    -- the periods of a year from its first day of enrollment on (no rate for a summer month)
    SELECT p.* FROM metric_periods AS p
    WHERE p.period = 'year' OR p.period_end >= (SELECT min(e.entry_date) FROM staging.section_enrollments AS e
                                                WHERE e.school_year = p.school_year)
), identified AS (
    SELECT DISTINCT p.school_year, p.period, m.student_id
    FROM staging.mtss_interventions AS m
    JOIN metric_periods AS p
      ON p.school_year = m.school_year
     AND (p.period = 'year' OR (m.identified_date <= p.period_end
                                AND (m.identified_date >= p.period_start OR starts_with(p.period, 'ytd:'))))
    WHERE list_contains($tiers, m.tier)
), nightly_scopes AS (
    SELECT * FROM metric_enrolled_scopes WHERE level NOT IN ('classroom', 'student')
), enrolled AS (
    SELECT school_year, level, entity_id, count(*) AS students FROM nightly_scopes GROUP BY ALL
), identified_at AS (
    SELECT i.period, e.level, e.entity_id, count(*) AS identified
    FROM identified AS i
    JOIN nightly_scopes AS e ON e.school_year = i.school_year AND e.student_id = i.student_id
    GROUP BY ALL
)
SELECT $metric_id AS metric_id, e.school_year, p.period, e.level, e.entity_id, e.student_id,
       CASE WHEN i.student_id IS NULL THEN 0 ELSE 1 END AS numerator, 1 AS denominator, 1 AS n
FROM metric_enrolled_scopes AS e
JOIN terms AS p ON p.school_year = e.school_year AND p.detailed
LEFT JOIN identified AS i ON i.school_year = e.school_year AND i.period = p.period AND i.student_id = e.student_id
UNION ALL
SELECT $metric_id, e.school_year, p.period, e.level, e.entity_id, NULL,
       coalesce(i.identified, 0), e.students, e.students
FROM enrolled AS e
JOIN terms AS p ON p.school_year = e.school_year AND NOT p.detailed
LEFT JOIN identified_at AS i ON i.period = p.period AND i.level = e.level AND i.entity_id = e.entity_id
