-- proficiency_rate.<subject>: among students with a summative result in the subject in the period,
-- those whose latest result of the period (latest test_date, then higher scale score) is
-- proficient. The district and the student level use the latest result anywhere; a school the
-- latest taken there.
WITH results AS (
    SELECT a.school_year, p.period, a.student_id, a.school_id, s.district_id,
           regexp_replace(lower(trim(a.subject)), '[^a-z0-9]+', '_', 'g') AS subject,
           a.test_date, a.scale_score, a.proficient
    FROM staging.assessments AS a
    JOIN staging.schools AS s ON s.school_id = a.school_id
    JOIN metric_periods AS p
      ON p.school_year = a.school_year AND a.test_date BETWEEN p.period_start AND p.period_end
    WHERE lower(trim(a.assessment_type)) = 'summative'
      AND a.proficient IS NOT NULL AND a.subject IS NOT NULL AND a.school_year IS NOT NULL
), at_school AS (
    SELECT * FROM results
    QUALIFY row_number() OVER (
        PARTITION BY school_year, period, student_id, subject, school_id
        ORDER BY test_date DESC NULLS LAST, scale_score DESC NULLS LAST, proficient DESC) = 1
), at_district AS MATERIALIZED (
    SELECT * FROM results
    QUALIFY row_number() OVER (
        PARTITION BY school_year, period, student_id, subject, district_id
        ORDER BY test_date DESC NULLS LAST, scale_score DESC NULLS LAST, proficient DESC) = 1
)
SELECT $metric_id || '.' || subject AS metric_id, school_year, period, 'school' AS level,
       school_id AS entity_id, student_id,
       CASE WHEN proficient THEN 1 ELSE 0 END AS numerator, 1 AS denominator, 1 AS n
FROM at_school
UNION ALL
SELECT $metric_id || '.' || subject, school_year, period, 'district', district_id, student_id,
       CASE WHEN proficient THEN 1 ELSE 0 END, 1, 1
FROM at_district
UNION ALL
SELECT $metric_id || '.' || subject, school_year, period, 'student', student_id, student_id,
       CASE WHEN proficient THEN 1 ELSE 0 END, 1, 1
FROM at_district
