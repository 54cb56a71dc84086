-- plc_sig_implementing_rate: at each PLC's latest self-assessment of the school year, dimensions
-- rated $implementing_min or higher / dimensions rated. One row per PLC and entity (the PLC,
-- its school, the district).
WITH latest AS (
    SELECT r.school_year, r.plc_id, p.school_id, s.district_id, r.rating
    FROM staging.plc_sig_ratings AS r
    JOIN staging.plcs AS p ON p.plc_id = r.plc_id
    JOIN staging.schools AS s ON s.school_id = p.school_id
    WHERE r.rating IS NOT NULL AND r.school_year IS NOT NULL
    QUALIFY r.assessed_date = max(r.assessed_date) OVER (PARTITION BY r.school_year, r.plc_id)
), per_plc AS MATERIALIZED (
    SELECT school_year, plc_id, school_id, district_id,
           count(*) FILTER (WHERE rating >= $implementing_min) AS implementing, count(*) AS rated
    FROM latest
    GROUP BY ALL
)
SELECT $metric_id AS metric_id, school_year, 'plc' AS level, plc_id AS entity_id,
       NULL::VARCHAR AS student_id, implementing AS numerator, rated AS denominator, 1 AS n
FROM per_plc
UNION ALL
SELECT $metric_id, school_year, 'school', school_id, NULL, implementing, rated, 1 FROM per_plc
UNION ALL
SELECT $metric_id, school_year, 'district', district_id, NULL, implementing, rated, 1 FROM per_plc
