-- Disproportionality rows of some LEAs ($leas: 'level:id'), hidden by the viewer's audience.
-- A row whose group misses the minimum cell or n-size (`small`) is hidden from staff and the
-- public; for the public, when a single row of a breakdown (year, LEA, category) is hidden, the
-- smallest other row is hidden with it (complementary), so the hidden count cannot be recovered
-- from the others. A hidden row shows no count, population, risk, composition, ratio, risk
-- difference, odds ratio, interval or weighted ratio: each of them, with the others, solves for
-- its count. Comparison counts are shown only to viewers who may see the students (with the
-- group's counts they would give hidden ones back).
, rows AS (
    SELECT d.*, h.entity_name AS lea_name,
           coalesce(d.na_reason IN ('group_count_below_min_cell', 'group_population_below_min_n',
                                    'group_population_zero'), false) AS small,
           $audience = 'students' AND ($scope_id IS NULL OR (d.lea_level, d.lea_id) IN (SELECT level, entity_id FROM below))
               AS sees_students
    FROM mart.disparity AS d
    LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = d.lea_level AND h.entity_id = d.lea_id
    WHERE list_contains($leas, d.lea_level || ':' || d.lea_id)
      AND ($year IS NULL OR d.school_year = $year)
      AND ($category IS NULL OR d.category = $category)
), marked AS (
    SELECT *,
           count(*) FILTER (WHERE small) OVER breakdown AS small_in_breakdown,
           row_number() OVER (PARTITION BY school_year, lea_level, lea_id, category, small
                              ORDER BY count, "group") AS size_rank
    FROM rows
    WINDOW breakdown AS (PARTITION BY school_year, lea_level, lea_id, category)
), hidden AS (
    SELECT *,
           NOT sees_students AND (small OR (($audience = 'public' OR $staff_public)
                                            AND small_in_breakdown = 1 AND size_rank = 1)) AS suppressed
    FROM marked
)
SELECT school_year, lea_level, lea_id, lea_name, category, "group",
       CASE WHEN suppressed THEN NULL ELSE count END::DOUBLE AS count,
       CASE WHEN suppressed THEN NULL ELSE population END::DOUBLE AS population,
       CASE WHEN suppressed THEN NULL ELSE risk END AS risk,
       CASE WHEN sees_students THEN comparison_count END::DOUBLE AS comparison_count,
       CASE WHEN sees_students THEN comparison_population END::DOUBLE AS comparison_population,
       CASE WHEN suppressed THEN NULL ELSE comparison_risk END AS comparison_risk, ratio_type,
       CASE WHEN suppressed THEN NULL ELSE ratio END AS ratio,
       CASE WHEN suppressed THEN NULL ELSE weighted_risk_ratio END AS weighted_risk_ratio,
       CASE WHEN suppressed THEN NULL ELSE ci_low END AS ci_low,
       CASE WHEN suppressed THEN NULL ELSE ci_high END AS ci_high,
       CASE WHEN suppressed THEN NULL ELSE risk_difference END AS risk_difference,
       CASE WHEN suppressed THEN NULL ELSE odds_ratio END AS odds_ratio,
       CASE WHEN suppressed THEN NULL ELSE composition END AS composition,
       flagged, na_reason, years_over_threshold, significant,
       CASE WHEN suppressed THEN NULL ELSE prior_year_ratio END AS prior_year_ratio,
       CASE WHEN suppressed THEN NULL ELSE two_years_prior_ratio END AS two_years_prior_ratio,
       threshold, min_cell, min_n, consecutive_years, suppressed,
       CASE WHEN suppressed AND small THEN 'fewer than ' || min_cell || ' with the outcome or ' || min_n || ' in the group'
            WHEN suppressed THEN 'hidden so that another hidden count cannot be worked out' END AS suppression_reason
FROM hidden
ORDER BY school_year, lea_level DESC, lea_name, category, "group"
