-- Every disparity measure for each row of _disparity_counts (school_year, lea_level, lea_id,
-- category, "group", count, population, children, placed_by_grade, unknown_days_removals), with
-- the state's counts by group in _disparity_state (school_year, category, "group", count,
-- population, children) and each category's rule in _disparity_rules (category NULL = default):
-- threshold as an exact fraction t_num / t_den, min_cell and min_n (34 CFR 300.647(a),
-- (b)(1)(i)), consecutive_years. engine.py binds the parameters:
--   $event_categories       categories whose count is removals, not children
--   $cell_by_children       the minimum cell of those categories counts children, not removals
--   $unknown_group          the group code of students with unknown race/ethnicity: outside
--                           every ratio, counted in unknown_race_population
--   $unknown_complete       no unknown row means none were left out (0), not "not given" (NULL)
-- Notation (docs/disparity.md): a = group count, n1 = group population, c / n2 = comparison count
-- and population, the "all other racial and ethnic groups" of 300.647(a)(1); the minimum cell
-- is checked on `cell` (a, or children for removals) and the comparison's `cell_c`.
WITH lea_rows AS (
    SELECT d.school_year, d.lea_level, d.lea_id, d.category, d."group",
           d.count::BIGINT AS a, d.population::BIGINT AS n1,
           CASE WHEN list_contains($event_categories, d.category) AND $cell_by_children
                THEN d.children ELSE d.count END::BIGINT AS cell,
           d.children::BIGINT AS children, d.placed_by_grade, d.unknown_days_removals
    FROM _disparity_counts AS d
    WHERE d."group" <> $unknown_group
),
left_out AS (
    SELECT school_year, lea_level, lea_id, category, sum(population)::BIGINT AS unknown_race_population
    FROM _disparity_counts
    WHERE "group" = $unknown_group
    GROUP BY ALL
),
rules AS (
    SELECT c.category, coalesce(r.t_num, d.t_num) AS t_num, coalesce(r.t_den, d.t_den) AS t_den,
           coalesce(r.threshold, d.threshold) AS threshold, coalesce(r.min_cell, d.min_cell) AS min_cell,
           coalesce(r.min_n, d.min_n) AS min_n, coalesce(r.consecutive_years, d.consecutive_years) AS consecutive_years
    FROM (SELECT DISTINCT category FROM _disparity_counts) AS c
    CROSS JOIN (SELECT * FROM _disparity_rules WHERE category IS NULL) AS d
    LEFT JOIN _disparity_rules AS r ON r.category = c.category
),
lea_totals AS (
    SELECT school_year, lea_level, lea_id, category,
           sum(a)::BIGINT AS lea_count, sum(n1)::BIGINT AS lea_population, sum(cell)::BIGINT AS lea_cell
    FROM lea_rows
    GROUP BY ALL
),
state_rows AS (
    SELECT school_year, category, "group",
           count::BIGINT AS state_count, population::BIGINT AS state_population,
           -- the state's children with a removal when given, else its removals (docs/disparity.md)
           CASE WHEN list_contains($event_categories, category) AND $cell_by_children
                THEN coalesce(children, count) ELSE count END::BIGINT AS state_cell
    FROM _disparity_state
    WHERE "group" <> $unknown_group
),
state_totals AS (
    SELECT school_year, category,
           sum(state_count)::BIGINT AS state_total_count,
           sum(state_population)::BIGINT AS state_total_population,
           sum(state_cell)::BIGINT AS state_total_cell
    FROM state_rows
    GROUP BY ALL
),
wrr_terms AS (
    -- Westat weighted risk ratio: the LEA risk of every other group j, weighted by j's state
    -- population. A group the state has (population > 0) but the LEA has not leaves a term
    -- missing, and the WRR undefined.
    SELECT g.school_year, g.lea_level, g.lea_id, g.category, g."group",
           sum(s.state_population * (j.a / j.n1)) FILTER (WHERE j.n1 > 0) AS weighted_other_risk,
           sum(s.state_population) AS other_state_population,
           count(*) FILTER (WHERE j.n1 IS NULL OR j.n1 = 0) AS missing_terms
    FROM lea_rows AS g
    JOIN state_rows AS s
      ON s.school_year = g.school_year AND s.category = g.category
     AND s."group" <> g."group" AND s.state_population > 0
    LEFT JOIN lea_rows AS j
      ON j.school_year = g.school_year AND j.lea_level = g.lea_level AND j.lea_id = g.lea_id
     AND j.category = g.category AND j."group" = s."group"
    GROUP BY ALL
),
joined AS (
    SELECT r.*,
           t.lea_count, t.lea_population,
           t.lea_count - r.a AS lea_c,
           t.lea_population - r.n1 AS lea_n2,
           t.lea_cell - r.cell AS lea_cell_c,
           st.state_total_count IS NOT NULL AS has_state,
           st.state_total_count - coalesce(sg.state_count, 0) AS state_c,
           st.state_total_population - coalesce(sg.state_population, 0) AS state_n2,
           st.state_total_cell - coalesce(sg.state_cell, 0) AS state_cell_c,
           w.weighted_other_risk, w.other_state_population, w.missing_terms,
           list_contains($event_categories, r.category) AS is_event_count,
           CASE WHEN lo.unknown_race_population IS NOT NULL THEN lo.unknown_race_population
                WHEN $unknown_complete THEN 0 END AS unknown_race_population,
           ru.t_num, ru.t_den, ru.threshold, ru.min_cell, ru.min_n, ru.consecutive_years
    FROM lea_rows AS r
    JOIN lea_totals AS t USING (school_year, lea_level, lea_id, category)
    JOIN rules AS ru USING (category)
    LEFT JOIN left_out AS lo USING (school_year, lea_level, lea_id, category)
    LEFT JOIN state_totals AS st USING (school_year, category)
    LEFT JOIN state_rows AS sg USING (school_year, category, "group")
    LEFT JOIN wrr_terms AS w USING (school_year, lea_level, lea_id, category, "group")
),
checked AS (
    -- 300.647(c)(1): no ratio unless the group meets both minimums. (b)(5): the comparison group
    -- of the LEA must meet both too, else the alternate risk ratio, whose comparison group is the
    -- state's; (c)(2): no ratio when that one does not meet them either.
    SELECT *,
           cell >= min_cell AND n1 >= min_n AND n1 > 0 AS group_ok,
           lea_cell_c >= min_cell AND lea_n2 >= min_n AND lea_n2 > 0 AS lea_comparison_ok,
           coalesce(has_state AND state_cell_c >= min_cell AND state_n2 >= min_n AND state_n2 > 0, false)
               AS state_comparison_ok
    FROM joined
),
decided AS (
    SELECT *,
           CASE WHEN NOT group_ok THEN NULL
                WHEN lea_comparison_ok THEN 'RR'
                WHEN state_comparison_ok THEN 'ARR' END AS path
    FROM checked
),
compared AS (
    SELECT *,
           CASE WHEN path = 'ARR' THEN state_c ELSE lea_c END AS c,
           CASE WHEN path = 'ARR' THEN state_n2 ELSE lea_n2 END AS n2
    FROM decided
),
typed AS (
    SELECT *,
           CASE WHEN path IS NOT NULL AND c > 0 THEN path ELSE 'NA' END AS ratio_type,
           CASE WHEN cell < min_cell THEN 'group_count_below_min_cell'
                WHEN n1 < min_n THEN 'group_population_below_min_n'
                WHEN n1 = 0 THEN 'group_population_zero'
                WHEN path IS NULL AND NOT has_state THEN 'comparison_below_minimums_no_state_data'
                WHEN path IS NULL THEN 'state_comparison_below_minimums'
                WHEN c = 0 THEN 'comparison_risk_zero' END AS na_reason
    FROM compared
),
measured AS (
    SELECT *,
           -- one rounding: (a * n2) / (n1 * c) with exact integer products
           CASE WHEN ratio_type <> 'NA'
                THEN (a::HUGEINT * n2)::DOUBLE / (n1::HUGEINT * c)::DOUBLE END AS ratio,
           -- Katz log method; for removals (counts of events) the Poisson rate-ratio variance
           CASE WHEN ratio_type <> 'NA' AND a > 0
                THEN CASE WHEN is_event_count THEN sqrt(1 / a + 1 / c)
                          ELSE sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2) END END AS log_se
    FROM typed
)
SELECT school_year, lea_level, lea_id, category, "group",
       a AS count,
       n1 AS population,
       children,
       CASE WHEN n1 > 0 THEN a / n1 END AS risk,
       c AS comparison_count,
       n2 AS comparison_population,
       CASE WHEN n2 > 0 THEN c / n2 END AS comparison_risk,
       ratio_type,
       na_reason,
       ratio,
       CASE WHEN group_ok AND missing_terms = 0 AND weighted_other_risk > 0
            THEN (a / n1) * other_state_population / weighted_other_risk END AS weighted_risk_ratio,
       CASE WHEN ratio_type <> 'NA' THEN a / n1 - c / n2 END AS risk_difference,
       CASE WHEN ratio_type <> 'NA' AND NOT is_event_count AND a < n1 AND c < n2
            THEN (a::HUGEINT * (n2 - c))::DOUBLE / ((n1 - a)::HUGEINT * c)::DOUBLE END AS odds_ratio,
       CASE WHEN ratio > 0 AND log_se IS NOT NULL THEN exp(ln(ratio) - 1.96 * log_se) END AS ci_low,
       CASE WHEN ratio > 0 AND log_se IS NOT NULL THEN exp(ln(ratio) + 1.96 * log_se) END AS ci_high,
       CASE WHEN lea_count > 0 THEN a / lea_count END AS composition,
       CASE WHEN lea_count > 0 AND lea_population > 0
            THEN a / lea_count - n1 / lea_population END AS composition_difference,
       -- flag iff ratio > t_num / t_den, decided on exact integers (never on the rounded ratio)
       ratio_type <> 'NA' AND a::HUGEINT * n2 * t_den > t_num * c * n1 AS flagged,
       unknown_race_population, placed_by_grade, unknown_days_removals,
       threshold, min_cell::INTEGER AS min_cell, min_n::INTEGER AS min_n,
       consecutive_years::INTEGER AS consecutive_years
FROM measured
