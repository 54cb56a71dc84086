-- The layer below a scorecard, metric by metric: for each child entity ($levels/$ids zipped) and
-- each of the scorecard's metrics ($metrics), the child's cell of one student group, hidden for
-- this viewer by the rules of sql/card.sql (sql/macros.sql; a classroom's systems metrics are
-- never public). The cells are `child_cells` (level, entity_id, metric_id, value, n, status,
-- suppressed, suppression_reason, value_range), named by the SQL put in front of this one:
-- children_year.sql (the school year's) or children_as_of.sql (a year to date through a day).
-- Every child has a row for every metric: one without the metric has no value and the status 'no_data'.
, wanted AS (
    SELECT unnest($levels::VARCHAR[]) AS level, unnest($ids::VARCHAR[]) AS entity_id,
           unnest(range(len($ids::VARCHAR[]))) AS child_order
), metrics AS (
    SELECT unnest($metrics::VARCHAR[]) AS metric_id, unnest(range(len($metrics::VARCHAR[]))) AS metric_order
), cells AS (
    SELECT v.level, v.entity_id, v.metric_id, v.value, v.n, v.status, v.value_range,
           hidden_for($audience, $staff_public, w.in_scope, v.suppressed, v.n, m.min_n) AS hidden,
           hidden_reason($audience, $staff_public, w.in_scope, v.suppressed, v.suppression_reason, v.n, m.min_n,
                         m.n_unit) AS hidden_because,
           shown_range($audience, $staff_public, w.in_scope, v.suppressed, v.value_range, v.n, m.min_n) AS shown_range,
           $audience = 'public' AND v.level = 'classroom' AND m.kind = 'systems' AS one_teacher
    FROM child_cells AS v
    JOIN (SELECT *, (level, entity_id) IN (SELECT level, entity_id FROM below) AS in_scope FROM wanted) AS w
      USING (level, entity_id)
    JOIN mart.metric_catalog AS m ON m.metric_key = split_part(v.metric_id, '.', 1)
    WHERE v.metric_id IN (SELECT metric_id FROM metrics)
)
SELECT w.level, w.entity_id, h.entity_name, x.metric_id,
       CASE WHEN c.hidden OR c.one_teacher THEN NULL ELSE c.value END AS value,
       CASE WHEN c.hidden OR c.one_teacher THEN NULL ELSE c.n END::DOUBLE AS n,
       CASE WHEN c.metric_id IS NULL THEN 'no_data'
            WHEN c.hidden OR c.one_teacher THEN 'suppressed'
            WHEN c.value IS NULL THEN 'no_data'
            ELSE coalesce(c.status, 'no_target') END AS status,
       coalesce(c.hidden OR c.one_teacher, false) AS suppressed,
       CASE WHEN c.one_teacher THEN 'describes one teacher: never public' ELSE c.hidden_because END
         AS suppression_reason,
       c.shown_range AS value_range
FROM wanted AS w
CROSS JOIN metrics AS x
JOIN staging.org_hierarchy AS h ON h.entity_level = w.level AND h.entity_id = w.entity_id
LEFT JOIN cells AS c ON c.level = w.level AND c.entity_id = w.entity_id AND c.metric_id = x.metric_id
ORDER BY w.child_order, x.metric_order
