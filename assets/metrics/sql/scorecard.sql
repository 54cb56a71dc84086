-- The balanced scorecard of every entity (district, department, school, PLC, classroom) and year:
-- each metric that exists at the entity's level that year (all student group), with its target,
-- a direction-aware status, and the change from the prior year (only between equal versions).
-- Rows for metrics the entity has no value for say no_data; KPI rows (scorecard_rows: observed)
-- exist only for the departments that report the KPI. Targets: a dotted id's own target in
-- mart.metric_catalog, else the department's reported target (KPIs), else the family's default.
-- The status: the scorecard_status macro (scorecard_status.sql).
CREATE OR REPLACE TABLE mart.scorecard AS
WITH vals AS (
    SELECT *, split_part(metric_id, '.', 1) AS family
    FROM mart.metric_values
    WHERE student_group = 'all' AND period = 'year' AND level <> 'student'
), entities AS (
    SELECT entity_level AS level, entity_id, NULL::INTEGER AS school_year
    FROM staging.org_hierarchy
    WHERE entity_level <> 'classroom'
    UNION ALL
    SELECT 'classroom', section_id, school_year FROM staging.sections
), metric_years AS (
    SELECT DISTINCT school_year, level, metric_id, metric_version, family FROM vals
), observed AS (
    SELECT DISTINCT level, entity_id, metric_id FROM vals
), skeleton AS (
    SELECT m.school_year, m.level, e.entity_id, m.metric_id, m.metric_version, m.family
    FROM metric_years AS m
    JOIN mart.metric_catalog AS c ON c.metric_key = m.family
    JOIN entities AS e ON e.level = m.level AND coalesce(e.school_year, m.school_year) = m.school_year
    LEFT JOIN observed AS o ON o.level = m.level AND o.entity_id = e.entity_id AND o.metric_id = m.metric_id
    WHERE c.scorecard_rows = 'all_entities' OR o.metric_id IS NOT NULL
    UNION
    SELECT school_year, level, entity_id, metric_id, metric_version, family FROM vals
), reported_targets AS (
    SELECT school_year, department_id AS entity_id, 'kpi.' || trim(kpi_id) AS metric_id, target, kpi_name,
           CASE lower(trim(direction)) WHEN 'lower_is_better' THEN 'lower'
                                       WHEN 'higher_is_better' THEN 'higher' END AS direction
    FROM staging.department_kpis
    WHERE kpi_id IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY school_year, department_id, trim(kpi_id) ORDER BY period_end DESC NULLS LAST) = 1
), resolved AS (
    SELECT s.*, h.entity_name, c.perspective, c.perspective_order, c.unit,
           coalesce(r.kpi_name, c.name || CASE WHEN s.metric_id <> s.family
               THEN ' (' || substr(s.metric_id, length(s.family) + 2) || ')' ELSE '' END) AS metric_name,
           coalesce(r.direction, c.direction) AS direction,
           coalesce(t.target, r.target, c.target) AS target,
           coalesce(t.near, c.near) * CASE WHEN c.near_mode = 'relative'
               THEN abs(coalesce(t.target, r.target, c.target)) ELSE 1 END AS near_band,
           v.value, v.numerator, v.denominator, v.suppressed, v.suppression_reason, v.value_range,
           p.value AS prior_value, p.suppressed AS prior_suppressed
    FROM skeleton AS s
    JOIN mart.metric_catalog AS c ON c.metric_key = s.family
    LEFT JOIN mart.metric_catalog AS t ON t.metric_key = s.metric_id AND s.metric_id <> s.family
    LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = s.level AND h.entity_id = s.entity_id
    LEFT JOIN reported_targets AS r
      ON s.level = 'department' AND r.school_year = s.school_year AND r.entity_id = s.entity_id
     AND r.metric_id = s.metric_id
    LEFT JOIN vals AS v
      ON v.school_year = s.school_year AND v.level = s.level AND v.entity_id = s.entity_id
     AND v.metric_id = s.metric_id
    LEFT JOIN vals AS p
      ON p.school_year = s.school_year - 1 AND p.level = s.level AND p.entity_id = s.entity_id
     AND p.metric_id = s.metric_id AND p.metric_version = s.metric_version
)
SELECT school_year, level, entity_id, entity_name, perspective, metric_id, metric_name, metric_version,
       direction, unit, value, target, near_band,
       scorecard_status(value, target, direction, near_band) AS status,
       prior_value, value - prior_value AS change_vs_prior, numerator, denominator,
       coalesce(suppressed, false) AS suppressed, suppression_reason, value_range,
       coalesce(prior_suppressed, false) AS prior_suppressed
FROM resolved
ORDER BY school_year, level, entity_id, perspective_order, metric_id;
