-- walkthrough_lookfor_rate.<focus_area>: look-fors observed / look-fors checked (observed known),
-- one row per walkthrough, entity (the visited classroom, its PLC, its school, the district) and
-- period (of the observed date).
WITH checks AS (
    SELECT w.school_year, p.period, w.walkthrough_id, w.school_id, w.section_id, sec.plc_id, s.district_id,
           regexp_replace(lower(trim(i.focus_area)), '[^a-z0-9]+', '_', 'g') AS focus_area,
           w.observed
    FROM staging.walkthroughs AS w
    JOIN staging.walkthrough_indicators AS i ON i.indicator = w.indicator
    JOIN staging.schools AS s ON s.school_id = w.school_id
    JOIN metric_periods AS p
      ON p.school_year = w.school_year AND w.observed_date BETWEEN p.period_start AND p.period_end
    LEFT JOIN staging.sections AS sec ON sec.section_id = w.section_id AND sec.school_year = w.school_year
    WHERE w.observed IS NOT NULL AND i.focus_area IS NOT NULL AND w.school_year IS NOT NULL
), visits AS MATERIALIZED (
    SELECT school_year, period, walkthrough_id, school_id, section_id, plc_id, district_id, focus_area,
           count(*) FILTER (WHERE observed) AS observed, count(*) AS checked
    FROM checks
    GROUP BY ALL
)
SELECT $metric_id || '.' || focus_area AS metric_id, school_year, period, 'classroom' AS level,
       section_id AS entity_id, NULL::VARCHAR AS student_id,
       observed AS numerator, checked AS denominator, 1 AS n
FROM visits WHERE section_id IS NOT NULL
UNION ALL
SELECT $metric_id || '.' || focus_area, school_year, period, 'plc', plc_id, NULL, observed, checked, 1
FROM visits WHERE plc_id IS NOT NULL
UNION ALL
SELECT $metric_id || '.' || focus_area, school_year, period, 'school', school_id, NULL, observed, checked, 1
FROM visits
UNION ALL
SELECT $metric_id || '.' || focus_area, school_year, period, 'district', district_id, NULL, observed, checked, 1
FROM visits
