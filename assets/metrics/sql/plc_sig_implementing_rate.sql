-- plc_sig_implementing_rate: at each PLC's latest self-assessment of the period, dimensions
-- rated $implementing_min or higher / dimensions rated. One row per PLC, entity (the PLC, its
-- school, the district) and period.
WITH latest AS (
    SELECT r.school_year, p.period, r.plc_id, pl.school_id, s.district_id, r.rating
    FROM staging.plc_sig_ratings AS r
    JOIN staging.plcs AS pl ON pl.plc_id = r.plc_id
    JOIN staging.schools AS s ON s.school_id = pl.school_id
    JOIN metric_periods AS p
      ON p.school_year = r.school_year AND r.assessed_date BETWEEN p.period_start AND p.period_end
    WHERE r.rating IS NOT NULL AND r.school_year IS NOT NULL
    QUALIFY r.assessed_date = max(r.assessed_date) OVER (PARTITION BY r.school_year, p.period, r.plc_id)
), per_plc AS MATERIALIZED (
    SELECT school_year, period, plc_id, school_id, district_id,
           count(*) FILTER (WHERE rating >= $implementing_min) AS implementing, count(*) AS rated
    FROM latest
    GROUP BY ALL
)
SELECT $metric_id AS metric_id, school_year, period, 'plc' AS level, plc_id AS entity_id,
       NULL::VARCHAR AS student_id, implementing AS numerator, rated AS denominator, 1 AS n
FROM per_plc
UNION ALL
SELECT $metric_id, school_year, period, 'school', school_id, NULL, implementing, rated, 1 FROM per_plc
UNION ALL
SELECT $metric_id, school_year, period, 'district', district_id, NULL, implementing, rated, 1 FROM per_plc
