-- kpi.<kpi_id>: a support-services KPI as the department reports it, the value of the latest
-- period_end in the school year. Final cells (output: cells): no numerator or denominator.
WITH latest AS (
    SELECT school_year, department_id, trim(kpi_id) AS kpi_id, value
    FROM staging.department_kpis
    WHERE value IS NOT NULL AND kpi_id IS NOT NULL AND school_year IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY school_year, department_id, trim(kpi_id) ORDER BY period_end DESC NULLS LAST) = 1
)
SELECT $metric_id || '.' || kpi_id AS metric_id, school_year, 'department' AS level,
       department_id AS entity_id, 'all' AS student_group,
       NULL::DOUBLE AS numerator, NULL::DOUBLE AS denominator, value, 1 AS n
FROM latest
