-- cfa_mastery_rate: the latest result of the period of each student on each CFA and standard;
-- mastered when score / max_score reaches the result's proficiency_cut (1e-9 tolerance for
-- decimal ties). One row per student and classroom (the result's section), PLC, or the student.
WITH latest AS MATERIALIZED (
    SELECT r.school_year, p.period, r.student_id, r.section_id, coalesce(r.plc_id, s.plc_id) AS plc_id,
           r.score / r.max_score >= r.proficiency_cut - 1e-9 AS mastered
    FROM staging.cfa_results AS r
    JOIN metric_periods AS p
      ON p.school_year = r.school_year AND r.administered_date BETWEEN p.period_start AND p.period_end
    LEFT JOIN staging.sections AS s ON s.section_id = r.section_id AND s.school_year = r.school_year
    WHERE r.score IS NOT NULL AND r.max_score > 0 AND r.proficiency_cut IS NOT NULL
      AND r.school_year IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY r.school_year, p.period, r.student_id, r.cfa_id, r.standard_code
        ORDER BY r.administered_date DESC NULLS LAST, r.score DESC) = 1
)
SELECT $metric_id AS metric_id, school_year, period, 'classroom' AS level, section_id AS entity_id,
       student_id, count(*) FILTER (WHERE mastered) AS numerator, count(*) AS denominator, 1 AS n
FROM latest WHERE section_id IS NOT NULL
GROUP BY school_year, period, section_id, student_id
UNION ALL
SELECT $metric_id, school_year, period, 'plc', plc_id, student_id,
       count(*) FILTER (WHERE mastered), count(*), 1
FROM latest WHERE plc_id IS NOT NULL
GROUP BY school_year, period, plc_id, student_id
UNION ALL
SELECT $metric_id, school_year, period, 'student', student_id, student_id,
       count(*) FILTER (WHERE mastered), count(*), 1
FROM latest
GROUP BY school_year, period, student_id
