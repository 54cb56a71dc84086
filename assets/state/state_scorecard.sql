-- The state's own rows for the dashboard, after its metric values (state_metric_values.sql):
--   the state above its districts in the organisation (a district's parent is the state);
--   its balanced scorecard: each school year, the metrics of its districts' scorecards with the
--   state's value (all students), the target, near band and direction of the catalog the state
--   warehouse keeps, the status by the scorecard's rule (scorecard_status.sql) and the change
--   from the prior year (equal versions only);
--   the student group codes of its values (mart.group_codes), what a district's warehouse reads
--   from its students' groups, which stay in the districts' warehouses.
UPDATE staging.org_hierarchy SET parent_level = 'state', parent_id = 'state' WHERE entity_level = 'district';

INSERT INTO mart.scorecard BY NAME
WITH metrics AS (
    SELECT school_year, metric_id, metric_version, min(metric_name) AS metric_name
    FROM mart.scorecard WHERE level = 'district'
    GROUP BY ALL
), vals AS (
    SELECT * FROM mart.metric_values WHERE level = 'state' AND period = 'year' AND student_group = 'all'
), resolved AS (
    SELECT m.school_year, m.metric_id, m.metric_version, m.metric_name, c.perspective, c.unit, c.direction,
           coalesce(t.target, c.target) AS target,
           coalesce(t.near, c.near) * CASE WHEN c.near_mode = 'relative'
               THEN abs(coalesce(t.target, c.target)) ELSE 1 END AS near_band,
           v.value, v.numerator, v.denominator, v.suppressed, v.suppression_reason, v.value_range,
           p.value AS prior_value, p.suppressed AS prior_suppressed
    FROM metrics AS m
    JOIN mart.metric_catalog AS c ON c.metric_key = split_part(m.metric_id, '.', 1)
    LEFT JOIN mart.metric_catalog AS t ON t.metric_key = m.metric_id AND m.metric_id <> c.metric_key
    LEFT JOIN vals AS v
      ON v.school_year = m.school_year AND v.metric_id = m.metric_id AND v.metric_version = m.metric_version
    LEFT JOIN vals AS p
      ON p.school_year = m.school_year - 1 AND p.metric_id = m.metric_id AND p.metric_version = m.metric_version
)
SELECT school_year, 'state' AS level, 'state' AS entity_id, 'State' AS entity_name, perspective, metric_id,
       metric_name, metric_version, direction, unit, value, target, near_band,
       scorecard_status(value, target, direction, near_band) AS status,
       prior_value, value - prior_value AS change_vs_prior, numerator, denominator,
       coalesce(suppressed, false) AS suppressed, suppression_reason, value_range,
       coalesce(prior_suppressed, false) AS prior_suppressed
FROM resolved
ORDER BY school_year, metric_id;

CREATE TABLE mart.group_codes AS
SELECT DISTINCT student_group FROM mart.metric_values WHERE level = 'state' ORDER BY student_group;
