-- One entity's scorecard as of a day: the rows of mart.scorecard for the school year of the day
-- ($year: which metrics, targets, directions, status bands), each with its year-to-date cell
-- through the day ($period) and through an earlier day ($prior_period: the same day a year
-- earlier, or a team's last meeting), for one student group. The cells come from
-- mart.metric_cells for the periods the nightly build kept ($mart_periods: each month's end)
-- and from asof_cells, computed on request (assets/metrics/asof.py), for the others. Status by
-- the scorecard's rule (the scorecard_status macro kept in the warehouse); a cell hidden from
-- this viewer (sql/macros.sql, as in card.sql) has no value, n, status or change.
, wanted AS (
    SELECT $level AS level, $entity AS entity_id,
           ($level, $entity) IN (SELECT level, entity_id FROM below) AS in_scope
), raw_cells AS (
    SELECT metric_id, metric_version, period, numerator, denominator, value, n, suppressed, suppression_reason,
           value_range
    FROM mart.metric_cells
    WHERE level = $level AND entity_id = $entity AND student_group = $group AND list_contains($mart_periods, period)
    UNION ALL
    SELECT metric_id, CAST(metric_version AS INTEGER), period, CAST(numerator AS DOUBLE), CAST(denominator AS DOUBLE),
           CAST(value AS DOUBLE), CAST(n AS BIGINT), CAST(suppressed AS BOOLEAN), CAST(suppression_reason AS VARCHAR),
           CAST(value_range AS VARCHAR)
    FROM asof_cells
    WHERE level = $level AND entity_id = $entity AND student_group = $group
), cells AS (
    SELECT v.*,
           hidden_for($audience, $staff_public, w.in_scope, v.suppressed, v.n, m.min_n) AS hidden,
           hidden_reason($audience, $staff_public, w.in_scope, v.suppressed, v.suppression_reason, v.n, m.min_n,
                         m.n_unit) AS hidden_because,
           shown_range($audience, $staff_public, w.in_scope, v.suppressed, v.value_range, v.n, m.min_n) AS shown_range
    FROM raw_cells AS v
    CROSS JOIN wanted AS w
    JOIN mart.metric_catalog AS m ON m.metric_key = split_part(v.metric_id, '.', 1)
), card AS (
    SELECT s.school_year, s.level, s.entity_id, s.entity_name, $group AS student_group, s.perspective,
           c.perspective_order, s.metric_id,
           s.metric_name, coalesce(v.metric_version, s.metric_version) AS metric_version, s.direction, s.unit,
           v.value, s.target, s.near_band, v.metric_id IS NULL AS no_cell,
           scorecard_status(v.value, s.target, s.direction, s.near_band) AS cell_status,
           p.value AS prior_value, v.numerator, v.denominator, v.n,
           coalesce(v.hidden, false) AS hidden, v.hidden_because, v.shown_range,
           coalesce(p.hidden, false) AS prior_hidden, c.definition
    FROM mart.scorecard AS s
    JOIN mart.metric_catalog AS c ON c.metric_key = split_part(s.metric_id, '.', 1)
    LEFT JOIN cells AS v ON v.period = $period AND v.metric_id = s.metric_id
    LEFT JOIN cells AS p ON p.period = $prior_period AND p.metric_id = s.metric_id
     AND p.metric_version = v.metric_version
    WHERE s.school_year = $year AND s.level = $level AND s.entity_id = $entity
      -- classroom systems metrics describe one teacher: never public (docs/metrics.md)
      AND NOT ($audience = 'public' AND s.level = 'classroom' AND c.kind = 'systems')
)
SELECT {{shown}},
       CAST($day AS DATE) AS as_of, CAST($prior_day AS DATE) AS prior_as_of
FROM card
ORDER BY perspective_order, metric_id
