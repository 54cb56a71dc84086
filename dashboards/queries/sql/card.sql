-- Scorecard rows of some entities ($levels/$ids zipped), years ($year NULL = all) and metrics
-- ($metric NULL = all) for one student group: the rows of mart.scorecard (which metrics, targets,
-- direction) with the group's own value, n, status and prior year from mart.metric_cells (the
-- same cells sorted by entity, each with the status the pipeline computed by the scorecard's
-- rule). A cell hidden from this viewer (sql/macros.sql) has no value, n, trend point or change.
, wanted AS (
    SELECT unnest($levels::VARCHAR[]) AS level, unnest($ids::VARCHAR[]) AS entity_id
), base AS (
    SELECT s.* FROM mart.scorecard AS s JOIN wanted AS w USING (level, entity_id)
    WHERE ($year IS NULL OR s.school_year = $year) AND ($metric IS NULL OR s.metric_id = $metric)
      -- classroom systems metrics describe one teacher: never public (docs/metrics.md)
      AND NOT ($audience = 'public' AND s.level = 'classroom' AND split_part(s.metric_id, '.', 1) IN
               (SELECT metric_key FROM mart.metric_catalog WHERE kind = 'systems'))
), cells AS (
    SELECT v.*,
           hidden_for($audience, $staff_public, w.in_scope, v.suppressed, v.n, m.min_n) AS hidden,
           hidden_reason($audience, $staff_public, w.in_scope, v.suppressed, v.suppression_reason, v.n, m.min_n,
                         m.n_unit) AS hidden_because,
           shown_range($audience, $staff_public, w.in_scope, v.suppressed, v.value_range, v.n, m.min_n) AS shown_range
    FROM mart.metric_cells AS v
    JOIN (SELECT *, (level, entity_id) IN (SELECT level, entity_id FROM below) AS in_scope FROM wanted) AS w
      USING (level, entity_id)
    JOIN mart.metric_catalog AS m ON m.metric_key = split_part(v.metric_id, '.', 1)
    WHERE v.student_group = $group AND v.period = 'year' AND ($metric IS NULL OR v.metric_id = $metric)
), trend AS (
    SELECT level, entity_id, metric_id,
           list({'school_year': school_year, 'value': CASE WHEN hidden THEN NULL ELSE value END}
                ORDER BY school_year) AS trend
    FROM cells GROUP BY ALL
), card AS (
    SELECT b.school_year, b.level, b.entity_id, b.entity_name, $group AS student_group, b.perspective,
           c.perspective_order, b.metric_id, b.metric_name, b.metric_version, b.direction, b.unit,
           v.value, b.target, b.near_band, v.metric_id IS NULL AS no_cell, v.status AS cell_status,
           p.value AS prior_value, v.numerator, v.denominator, v.n,
           coalesce(v.hidden, false) AS hidden, v.hidden_because, v.shown_range,
           coalesce(p.hidden, false) AS prior_hidden, c.definition, t.trend
    FROM base AS b
    JOIN mart.metric_catalog AS c ON c.metric_key = split_part(b.metric_id, '.', 1)
    LEFT JOIN cells AS v ON v.school_year = b.school_year AND v.level = b.level
     AND v.entity_id = b.entity_id AND v.metric_id = b.metric_id
    LEFT JOIN cells AS p ON p.school_year = b.school_year - 1 AND p.level = b.level
     AND p.entity_id = b.entity_id AND p.metric_id = b.metric_id AND p.metric_version = b.metric_version
    LEFT JOIN trend AS t ON t.level = b.level AND t.entity_id = b.entity_id AND t.metric_id = b.metric_id
)
SELECT {{shown}},
       coalesce(trend, []) AS trend
FROM card
ORDER BY perspective_order, metric_id, school_year, level, entity_id
