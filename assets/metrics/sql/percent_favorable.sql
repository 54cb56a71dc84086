-- percent_favorable.<respondent_type>.<construct>: favorable answers / answered items. A value
-- is flipped first when the item is reverse coded (v -> scale_points + 1 - v) and is favorable
-- when it reaches the item's favorable_min; skipped answers (NULL) do not count. Detailed periods
-- (the school year; a day asked for): one row per respondent, construct, entity (school of the
-- response, its district) and period (of the submitted date). The nightly months and years to
-- date (all respondents): one row per construct, entity and period, from each month's totals: a
-- month adds up its answers and counts its respondents; a year to date adds up the months so far
-- and counts each respondent once, from the first month with an answer on.
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
      ON p.school_year = d.school_year AND d.submitted_date BETWEEN p.period_start AND p.period_end AND p.detailed
    GROUP BY ALL
), per_month AS (
    -- each respondent's answers per month of the years with nightly periods (dates in the year)
    SELECT school_year, school_id, district_id, survey_id, response_id, respondent_type, construct,
           CAST(date_trunc('month', submitted_date) AS DATE) AS month_start,
           sum(favorable) AS favorable, sum(answered) AS answered
    FROM per_day
    WHERE submitted_date BETWEEN make_date(school_year - 1, 7, 1) AND make_date(school_year, 6, 30)
      AND school_year IN (SELECT school_year FROM metric_periods WHERE NOT detailed)
    GROUP BY ALL
), month_totals AS MATERIALIZED (
    -- per school, construct and month: the answers, the respondents, and those answering for the first time
    SELECT school_year, school_id, district_id, respondent_type, construct, month_start,
           sum(favorable) AS favorable, sum(answered) AS answered, count(*) AS respondents,
           count(*) FILTER (WHERE first_month) AS new_respondents
    FROM (SELECT *, month_start = min(month_start) OVER (
                        PARTITION BY school_year, school_id, survey_id, response_id, respondent_type, construct) AS first_month
          FROM per_month)
    GROUP BY ALL
), nightly AS (
    SELECT t.*, p.period, starts_with(p.period, 'month:') AS one_month
    FROM month_totals AS t
    JOIN metric_periods AS p
      ON p.school_year = t.school_year AND t.month_start BETWEEN p.period_start AND p.period_end AND NOT p.detailed
)
SELECT $metric_id || '.' || respondent_type || '.' || construct AS metric_id, school_year, period,
       'school' AS level, school_id AS entity_id, NULL::VARCHAR AS student_id,
       favorable AS numerator, answered AS denominator, 1 AS n
FROM per_respondent
UNION ALL
SELECT $metric_id || '.' || respondent_type || '.' || construct, school_year, period,
       'district', district_id, NULL, favorable, answered, 1
FROM per_respondent
UNION ALL
SELECT $metric_id || '.' || respondent_type || '.' || construct, school_year, period, 'school', school_id, NULL,
       sum(favorable), sum(answered), sum(CASE WHEN one_month THEN respondents ELSE new_respondents END)
FROM nightly
GROUP BY school_year, period, school_id, respondent_type, construct
UNION ALL
SELECT $metric_id || '.' || respondent_type || '.' || construct, school_year, period, 'district', district_id, NULL,
       sum(favorable), sum(answered), sum(CASE WHEN one_month THEN respondents ELSE new_respondents END)
FROM nightly
GROUP BY school_year, period, district_id, respondent_type, construct
