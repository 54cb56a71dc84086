-- The needs assessment (the roadmap's "Assess Needs" phase) of every school and district, per year.
-- row_type 'metric': each metric's value (all students), its gap to target and to the district
--   (gaps are signed so that positive is better, whatever the metric's direction), assessed as a
--   strength or a need and ranked by the gap measured in status bands (near_band).
-- row_type 'group_gap': each student group against all other students at the same entity
--   (others = all minus the group, with both n); a gap is large when the group does worse by at
--   least $large_gap_bands bands; a group with large gaps in $systemic_min_metrics or more
--   metrics is a possible systemic inequity.
-- The assessment is a staff tool (docs/access.md): a cell under its metric's minimum n (`small`)
-- gets no assessment, rank or flag, so nothing here reveals it; `suppressed` (and
-- district_suppressed, for the district value beside a school's) keep the public rule, which the
-- query layer applies for the public audience.
CREATE OR REPLACE TABLE mart.needs_assessment AS
WITH card AS (
    SELECT s.*, CASE s.direction WHEN 'lower' THEN -1 ELSE 1 END AS sign
    FROM mart.scorecard AS s
    WHERE s.level IN ('district', 'school') AND s.value IS NOT NULL
), cells AS (
    SELECT v.*, c.n, coalesce(c.n < m.min_n, false) AS small
    FROM mart.metric_values AS v
    JOIN mart.metric_value_counts AS c USING (metric_id, metric_version, school_year, period, level, entity_id, student_group)
    JOIN mart.metric_catalog AS m ON m.metric_key = split_part(v.metric_id, '.', 1)
    WHERE v.level IN ('district', 'school') AND v.period = 'year'
), parents AS (
    SELECT entity_id AS school_id, parent_id AS district_id
    FROM staging.org_hierarchy WHERE entity_level = 'school'
), metric_rows AS (
    SELECT a.school_year, a.level, a.entity_id, a.metric_id, a.metric_version, a.perspective,
           a.direction, a.value, n.n, a.target, a.near_band, a.suppressed, coalesce(n.small, false) AS small,
           (a.value - a.target) * a.sign + 0.0 AS gap_to_target,
           CASE WHEN NOT dn.small THEN d.value END AS district_value,
           CASE WHEN NOT dn.small THEN (a.value - d.value) * a.sign + 0.0 END AS gap_to_district,
           coalesce(d.suppressed, false) AS district_suppressed
    FROM card AS a
    LEFT JOIN cells AS n
      ON n.metric_id = a.metric_id AND n.school_year = a.school_year AND n.level = a.level
     AND n.entity_id = a.entity_id AND n.student_group = 'all'
    LEFT JOIN parents AS p ON a.level = 'school' AND p.school_id = a.entity_id
    LEFT JOIN card AS d
      ON d.level = 'district' AND d.entity_id = p.district_id AND d.metric_id = a.metric_id
     AND d.school_year = a.school_year
    LEFT JOIN cells AS dn
      ON dn.metric_id = d.metric_id AND dn.school_year = d.school_year AND dn.level = 'district'
     AND dn.entity_id = d.entity_id AND dn.student_group = 'all'
), assessed AS (
    SELECT *,
           CASE WHEN NOT small AND gap_to_target >= 0 THEN 'strength'
                WHEN NOT small AND gap_to_target < 0 THEN 'need' END AS assessment,
           coalesce(gap_to_target / nullif(near_band, 0), gap_to_target) AS gap_in_bands
    FROM metric_rows
), group_pairs AS (
    SELECT g.school_year, g.level, g.entity_id, g.metric_id, g.metric_version, g.student_group,
           a.perspective, a.direction, a.sign, a.near_band,
           g.value, g.n, (t.numerator - g.numerator) / (t.denominator - g.denominator) AS others_value,
           t.n - g.n AS others_n,
           g.suppressed OR t.suppressed OR t.n - g.n < c.min_n AS suppressed,
           g.small OR t.small OR t.n - g.n < c.min_n AS small
    FROM cells AS g
    JOIN cells AS t
      ON t.metric_id = g.metric_id AND t.school_year = g.school_year AND t.level = g.level
     AND t.entity_id = g.entity_id AND t.student_group = 'all'
    JOIN card AS a
      ON a.metric_id = g.metric_id AND a.school_year = g.school_year AND a.level = g.level
     AND a.entity_id = g.entity_id
    JOIN mart.metric_catalog AS c ON c.metric_key = split_part(g.metric_id, '.', 1)
    WHERE g.student_group <> 'all' AND t.denominator - g.denominator > 0
), group_gaps AS (
    SELECT *, (value - others_value) * sign + 0.0 AS group_gap,
           NOT small AND (value - others_value) * sign < 0
               AND (value - others_value) * sign <= -($large_gap_bands * near_band) AS large_gap
    FROM group_pairs
), flagged AS (
    SELECT *,
           count(*) FILTER (WHERE large_gap) OVER (
               PARTITION BY school_year, level, entity_id, student_group) AS systemic_metric_count
    FROM group_gaps
)
SELECT school_year, level, entity_id, 'metric' AS row_type, metric_id, metric_version, perspective,
       direction, 'all' AS student_group, value, n, target, gap_to_target, district_value,
       gap_to_district, NULL::DOUBLE AS others_value, NULL::BIGINT AS others_n, NULL::DOUBLE AS group_gap,
       assessment,
       CASE WHEN assessment IS NOT NULL THEN row_number() OVER (
           PARTITION BY school_year, level, entity_id, assessment
           ORDER BY abs(gap_in_bands) DESC, metric_id) END AS rank,
       NULL::BOOLEAN AS large_gap, NULL::BIGINT AS systemic_metric_count,
       NULL::BOOLEAN AS possible_systemic_inequity, suppressed, district_suppressed
FROM assessed
UNION ALL
SELECT school_year, level, entity_id, 'group_gap', metric_id, metric_version, perspective, direction,
       student_group, value, n, NULL, NULL, NULL, NULL, others_value, others_n, group_gap,
       NULL,
       CASE WHEN NOT small THEN row_number() OVER (
           PARTITION BY school_year, level, entity_id, small
           ORDER BY coalesce(group_gap / nullif(near_band, 0), group_gap), metric_id, student_group) END,
       large_gap, systemic_metric_count,
       systemic_metric_count >= $systemic_min_metrics, suppressed, false
FROM flagged
ORDER BY school_year, level, entity_id, row_type DESC, rank NULLS LAST, metric_id, student_group;
