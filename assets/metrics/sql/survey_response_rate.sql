-- survey_response_rate.<respondent_type>: distinct respondents / invited, per survey and school,
-- summed over the surveys of the period. A survey belongs to the school_year of its invitation row
-- when given (so a survey nobody answered has a rate of 0), else to the school year most of its
-- responses were submitted in (a survey with neither has no year and no rate); a school without
-- an invitation row has no rate. n is the number invited. The school year holds all its surveys;
-- a month or a year to date the surveys answered in it, with the respondents who answered in it.
WITH responses AS (
    SELECT survey_id, school_id, school_year, response_id, submitted_date,
           regexp_replace(lower(trim(respondent_type)), '[^a-z0-9]+', '_', 'g') AS respondent_type
    FROM staging.survey_responses
    WHERE school_year IS NOT NULL
), submissions AS (
    -- one row per response and day (responses hold a row per item answered)
    SELECT DISTINCT survey_id, school_id, school_year, response_id, submitted_date, respondent_type
    FROM responses
), survey_years AS (
    SELECT survey_id, mode(school_year) AS school_year FROM responses GROUP BY survey_id
), invitations AS (
    SELECT i.survey_id, i.school_id, coalesce(i.school_year, y.school_year) AS school_year, s.district_id,
           regexp_replace(lower(trim(i.respondent_type)), '[^a-z0-9]+', '_', 'g') AS respondent_type, i.invited
    FROM staging.survey_invitations AS i
    LEFT JOIN survey_years AS y ON y.survey_id = i.survey_id
    JOIN staging.schools AS s ON s.school_id = i.school_id
    WHERE i.invited > 0 AND i.respondent_type IS NOT NULL
      AND coalesce(i.school_year, y.school_year) IS NOT NULL
), respondents AS (
    SELECT p.school_year, p.period, r.survey_id, r.school_id, r.respondent_type,
           count(DISTINCT r.response_id) AS respondents
    FROM submissions AS r
    JOIN metric_periods AS p
      ON p.school_year = r.school_year AND r.submitted_date BETWEEN p.period_start AND p.period_end
     AND p.period <> 'year'
    GROUP BY ALL
    UNION ALL
    SELECT NULL, 'year', survey_id, school_id, respondent_type, count(DISTINCT response_id)
    FROM submissions
    GROUP BY ALL
), rates AS MATERIALIZED (
    SELECT i.school_year, p.period, i.school_id, i.district_id, i.respondent_type,
           coalesce(r.respondents, 0) AS respondents, i.invited
    FROM invitations AS i
    JOIN metric_periods AS p ON p.school_year = i.school_year
    LEFT JOIN respondents AS r
      ON r.survey_id = i.survey_id AND r.school_id = i.school_id AND r.respondent_type = i.respondent_type
     AND r.period = p.period
    WHERE p.period = 'year' OR r.respondents IS NOT NULL
)
SELECT $metric_id || '.' || respondent_type AS metric_id, school_year, period, 'school' AS level,
       school_id AS entity_id, NULL::VARCHAR AS student_id,
       respondents AS numerator, invited AS denominator, invited AS n
FROM rates
UNION ALL
SELECT $metric_id || '.' || respondent_type, school_year, period, 'district', district_id, NULL,
       respondents, invited, invited
FROM rates
