-- The cells children_metrics.sql reads: each child's year to date through a day ($period,
-- ytd:DAY, of the school year $year) for one student group ($group), from mart.metric_cells when
-- the nightly build kept that day for every child ($from_mart: a month's end), else from
-- asof_cells, computed on request (assets/metrics/asof.py). Status by the child's own scorecard
-- row of the year, with the scorecard's rule (the scorecard_status macro kept in the warehouse),
-- as the nightly statuses are judged.
, child_cells AS (
    SELECT v.level, v.entity_id, v.metric_id, v.value, v.n,
           CASE WHEN s.metric_id IS NOT NULL THEN scorecard_status(v.value, s.target, s.direction, s.near_band)
           END AS status,
           v.suppressed, v.suppression_reason, v.value_range
    FROM (
        SELECT level, entity_id, metric_id, value, n, suppressed, suppression_reason, value_range
        FROM mart.metric_cells
        WHERE $from_mart AND student_group = $group AND period = $period AND school_year = $year
        UNION ALL
        SELECT level, entity_id, metric_id, CAST(value AS DOUBLE), CAST(n AS BIGINT), CAST(suppressed AS BOOLEAN),
               CAST(suppression_reason AS VARCHAR), CAST(value_range AS VARCHAR)
        FROM asof_cells
        WHERE NOT $from_mart AND student_group = $group AND period = $period
    ) AS v
    LEFT JOIN mart.scorecard AS s
      ON s.school_year = $year AND s.level = v.level AND s.entity_id = v.entity_id AND s.metric_id = v.metric_id
)
