-- survey_response_rate.<respondent_type>: distinct respondents / invited, per survey and school,
-- summed over the surveys of the year. A survey belongs to the school year most of its responses
-- were submitted in; a school without an invitation row has no rate. n is the number invited.
WITH responses AS (
    SELECT survey_id, school_id, school_year, response_id,
           regexp_replace(lower(trim(respondent_type)), '[^a-z0-9]+', '_', 'g') AS respondent_type
    FROM staging.survey_responses
    WHERE school_year IS NOT NULL
), survey_years AS (
    SELECT survey_id, mode(school_year) AS school_year FROM responses GROUP BY survey_id
), respondents AS (
    SELECT survey_id, school_id, respondent_type, count(DISTINCT response_id) AS respondents
    FROM responses
    GROUP BY ALL
), rates AS MATERIALIZED (
    SELECT y.school_year, i.school_id, s.district_id,
           regexp_replace(lower(trim(i.respondent_type)), '[^a-z0-9]+', '_', 'g') AS respondent_type,
           coalesce(r.respondents, 0) AS respondents, i.invited
    FROM staging.survey_invitations AS i
    JOIN survey_years AS y ON y.survey_id = i.survey_id
    JOIN staging.schools AS s ON s.school_id = i.school_id
    LEFT JOIN respondents AS r
      ON r.survey_id = i.survey_id AND r.school_id = i.school_id
     AND r.respondent_type = regexp_replace(lower(trim(i.respondent_type)), '[^a-z0-9]+', '_', 'g')
    WHERE i.invited > 0 AND i.respondent_type IS NOT NULL
)
SELECT $metric_id || '.' || respondent_type AS metric_id, school_year, 'school' AS level,
       school_id AS entity_id, NULL::VARCHAR AS student_id,
       respondents AS numerator, invited AS denominator, invited AS n
FROM rates
UNION ALL
SELECT $metric_id || '.' || respondent_type, school_year, 'district', district_id, NULL,
       respondents, invited, invited
FROM rates
