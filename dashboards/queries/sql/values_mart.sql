-- The cells metric_values.sql reads: the nightly values of mart.metric_values with their n.
, value_cells AS (
    SELECT v.*, k.n
    FROM mart.metric_values AS v
    LEFT JOIN mart.metric_value_counts AS k
      USING (metric_id, metric_version, school_year, period, level, entity_id, student_group)
)
