-- The state's metric values: for every metric, year, period and student group, the sum of its
-- districts' numerators over the sum of their denominators (so the state's attendance rate is
-- every attended day over every enrolled day, not an average of district rates), and the state's
-- n as the sum of theirs. A district value without a numerator or denominator (a figure reported,
-- not counted) has no statewide sum and is left out. A student counted in two districts (moved
-- mid-year) counts in both, as at each district; the disparity counts instead count each
-- student once.
INSERT INTO mart.metric_values BY NAME
SELECT metric_id, metric_version, school_year, period, 'state' AS level, 'state' AS entity_id, student_group,
       sum(numerator) AS numerator, sum(denominator) AS denominator,
       sum(numerator) / sum(denominator) AS value,
       false AS suppressed, NULL AS suppression_reason, NULL AS value_range
FROM mart.metric_values
WHERE level = 'district' AND numerator IS NOT NULL AND denominator IS NOT NULL
GROUP BY metric_id, metric_version, school_year, period, student_group
HAVING sum(denominator) > 0;

INSERT INTO mart.metric_value_counts BY NAME
SELECT metric_id, metric_version, school_year, period, 'state' AS level, 'state' AS entity_id, student_group,
       sum(n) AS n
FROM mart.metric_value_counts
WHERE level = 'district'
GROUP BY metric_id, metric_version, school_year, period, student_group;

-- the min n of the metric's definition: a statewide cell under it is hidden like any other
UPDATE mart.metric_values AS v
SET suppressed = true, suppression_reason = 'fewer than ' || m.min_n || ' ' || m.n_unit
FROM mart.metric_value_counts AS c,
     (SELECT family, min(min_n) AS min_n, min(n_unit) AS n_unit FROM mart.metric_catalog GROUP BY family) AS m
WHERE v.level = 'state' AND c.level = 'state'
  AND c.metric_id = v.metric_id AND c.metric_version = v.metric_version AND c.school_year = v.school_year
  AND c.period = v.period AND c.student_group = v.student_group
  AND m.family = split_part(v.metric_id, '.', 1) AND c.n < m.min_n;
