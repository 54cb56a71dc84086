-- Metric values the viewer may see, each hidden or shown by the viewer's audience
-- (sql/macros.sql): organisation cells in the viewer's visible_org (ancestors as aggregates);
-- student rows only with student access, only for visible_students, year by year. The cells are
-- `value_cells`, the columns of mart.metric_values with their n, named by the SQL put in front
-- of this one: values_mart.sql (the nightly values) or values_as_of.sql (a year to date computed
-- on request), so both are hidden by the same rules. `metric` is an exact id or a family
-- (proficiency_rate -> every proficiency_rate.*); $period one period (year, month:YYYY-MM,
-- ytd:YYYY-MM-DD) or NULL for all.
, rows AS (
    SELECT v.*, m.min_n, m.n_unit, m.kind,
           $scope_id IS NULL OR v.level = 'student'
               OR (v.level, v.entity_id) IN (SELECT level, entity_id FROM below) AS in_scope
    FROM value_cells AS v
    JOIN mart.metric_catalog AS m ON m.metric_key = split_part(v.metric_id, '.', 1)
    WHERE (
        (v.level <> 'student' AND ($scope_id IS NULL OR (v.level, v.entity_id) IN (SELECT level, entity_id FROM visible_org)))
        OR (v.level = 'student' AND $audience = 'students'
            AND ($scope_id IS NULL OR (v.school_year, v.entity_id) IN (SELECT school_year, student_id FROM visible_students)))
    )
      AND ($level IS NULL OR v.level = $level)
      AND ($entity IS NULL OR v.entity_id = $entity)
      AND ($group IS NULL OR v.student_group = $group)
      AND ($metric IS NULL OR v.metric_id = $metric OR starts_with(v.metric_id, $metric || '.'))
      AND ($year IS NULL OR v.school_year = $year)
      AND ($period IS NULL OR v.period = $period)
      -- classroom systems metrics describe one teacher: never public (docs/metrics.md)
      AND NOT ($audience = 'public' AND v.level = 'classroom' AND m.kind = 'systems')
), judged AS (
    SELECT *, hidden_for($audience, $staff_public, in_scope, suppressed, n, min_n) AS hidden,
           hidden_reason($audience, $staff_public, in_scope, suppressed, suppression_reason, n, min_n, n_unit)
               AS hidden_because,
           shown_range($audience, $staff_public, in_scope, suppressed, value_range, n, min_n) AS shown_range
    FROM rows
)
SELECT metric_id, metric_version, school_year, period, level, entity_id, student_group,
       CASE WHEN hidden THEN NULL ELSE numerator END AS numerator,
       CASE WHEN hidden THEN NULL ELSE denominator END AS denominator,
       CASE WHEN hidden THEN NULL ELSE value END AS value,
       hidden AS suppressed, hidden_because AS suppression_reason, shown_range AS value_range
FROM judged
ORDER BY metric_id, school_year, period, level, entity_id, student_group
