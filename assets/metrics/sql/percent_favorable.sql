-- percent_favorable.<respondent_type>.<construct>: favorable answers / answered items. A value
-- is flipped first when the item is reverse coded (v -> scale_points + 1 - v) and is favorable
-- when it reaches the item's favorable_min; skipped answers (NULL) do not count. One row per
-- respondent, construct, entity (school of the response, its district) and period (of the
-- submitted date).
WITH answers AS (
    SELECT r.school_year, r.submitted_date, r.school_id, s.district_id, r.survey_id, r.response_id,
           regexp_replace(lower(trim(r.respondent_type)), '[^a-z0-9]+', '_', 'g') AS respondent_type,
           regexp_replace(lower(trim(i.construct)), '[^a-z0-9]+', '_', 'g') AS construct,
           CASE WHEN coalesce(i.reverse_coded, false) THEN i.scale_points + 1 - r.value ELSE r.value END
               >= i.favorable_min AS favorable
    FROM staging.survey_responses AS r
    JOIN staging.survey_items AS i ON i.survey_id = r.survey_id AND i.item_id = r.item_id
    JOIN staging.schools AS s ON s.school_id = r.school_id
    WHERE r.value IS NOT NULL AND i.construct IS NOT NULL AND r.respondent_type IS NOT NULL
      AND r.school_year IS NOT NULL
), per_day AS (
    SELECT school_year, submitted_date, school_id, district_id, survey_id, response_id, respondent_type, construct,
           count(*) FILTER (WHERE favorable) AS favorable, count(*) AS answered
    FROM answers
    GROUP BY ALL
), per_respondent AS MATERIALIZED (
    SELECT d.school_year, p.period, d.school_id, d.district_id, d.survey_id, d.response_id, d.respondent_type,
           d.construct, sum(d.favorable) AS favorable, sum(d.answered) AS answered
    FROM per_day AS d
    JOIN metric_periods AS p
      ON p.school_year = d.school_year AND d.submitted_date BETWEEN p.period_start AND p.period_end
    GROUP BY ALL
)
SELECT $metric_id || '.' || respondent_type || '.' || construct AS metric_id, school_year, period,
       'school' AS level, school_id AS entity_id, NULL::VARCHAR AS student_id,
       favorable AS numerator, answered AS denominator, 1 AS n
FROM per_respondent
UNION ALL
SELECT $metric_id || '.' || respondent_type || '.' || construct, school_year, period,
       'district', district_id, NULL, favorable, answered, 1
FROM per_respondent
