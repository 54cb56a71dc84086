-- cfa_mastery_rate: the latest result of the period of each student on each CFA and standard;
-- mastered when score / max_score reaches the result's proficiency_cut (1e-9 tolerance for
-- decimal ties). One row per student and classroom (the result's section), PLC, or the student.
-- A result is the latest of a period when it falls in the period and the next result on the same
-- CFA and standard (later date, or the same date with a higher score) does not, so each result
-- meets only the periods it is latest in.
WITH results AS (
    SELECT r.school_year, r.student_id, r.section_id, r.plc_id, r.administered_date,
           r.score / r.max_score >= r.proficiency_cut - 1e-9 AS mastered,
           lead(r.administered_date) OVER (
               PARTITION BY r.school_year, r.student_id, r.cfa_id, r.standard_code
               ORDER BY r.administered_date NULLS FIRST, r.score) AS superseded_on,
           row_number() OVER (
               PARTITION BY r.school_year, r.student_id, r.cfa_id, r.standard_code
               ORDER BY r.administered_date DESC NULLS LAST, r.score DESC) = 1 AS last_of_year
    FROM staging.cfa_results AS r
    WHERE r.score IS NOT NULL AND r.max_score > 0 AND r.proficiency_cut IS NOT NULL
      AND r.school_year IS NOT NULL
), latest AS MATERIALIZED (
    SELECT r.school_year, p.period, r.student_id, r.section_id, coalesce(r.plc_id, s.plc_id) AS plc_id,
           r.mastered
    FROM results AS r
    JOIN metric_periods AS p
      ON p.school_year = r.school_year
     AND CASE WHEN p.period = 'year' THEN r.last_of_year
              ELSE r.administered_date BETWEEN p.period_start AND p.period_end
                   AND (r.superseded_on IS NULL OR r.superseded_on > p.period_end) END
    LEFT JOIN staging.sections AS s ON s.section_id = r.section_id AND s.school_year = r.school_year
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
