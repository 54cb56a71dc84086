-- kpi.<kpi_id>: a support-services KPI as the department reports it, the value of the latest
-- period_end in the period. Final cells (output: cells): no numerator or denominator.
WITH latest AS (
    SELECT k.school_year, p.period, k.department_id, trim(k.kpi_id) AS kpi_id, k.value
    FROM staging.department_kpis AS k
    JOIN metric_periods AS p
      ON p.school_year = k.school_year AND k.period_end BETWEEN p.period_start AND p.period_end
    WHERE k.value IS NOT NULL AND k.kpi_id IS NOT NULL AND k.school_year IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY k.school_year, p.period, k.department_id, trim(k.kpi_id) ORDER BY k.period_end DESC NULLS LAST) = 1
)
SELECT $metric_id || '.' || kpi_id AS metric_id, school_year, period, 'department' AS level,
       department_id AS entity_id, 'all' AS student_group,
       NULL::DOUBLE AS numerator, NULL::DOUBLE AS denominator, value, 1 AS n
FROM latest
