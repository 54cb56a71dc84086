-- Consecutive years over the threshold, significance, and the two prior years' ratios side by
-- side, from the per-year measures in _disparity_measures. Parameters: $consecutive_years, and
-- $threshold, $min_cell, $min_n (copied onto every row so a reader sees the rule applied).
-- years_over_threshold counts the school years in a row, ending at this row's year, in which the
-- same LEA, category and group was flagged; a year that is missing, NA or not flagged ends the run
-- (34 CFR 300.647(d)(1): a state may wait up to three consecutive years before identifying).
WITH runs AS (
    SELECT *,
           -- consecutive flagged years share one value of (year - their rank among flagged years)
           school_year - row_number() OVER (
               PARTITION BY lea_level, lea_id, category, "group", flagged ORDER BY school_year
           ) AS run_key
    FROM _disparity_measures
),
counted AS (
    SELECT * EXCLUDE (run_key),
           CASE WHEN flagged THEN row_number() OVER (
                    PARTITION BY lea_level, lea_id, category, "group", flagged, run_key
                    ORDER BY school_year)
                ELSE 0 END::INTEGER AS years_over_threshold
    FROM runs
)
SELECT m.*,
       m.years_over_threshold >= $consecutive_years AS significant,
       p1.ratio AS prior_year_ratio,
       p2.ratio AS two_years_prior_ratio,
       $threshold::VARCHAR AS threshold,
       $min_cell::INTEGER AS min_cell,
       $min_n::INTEGER AS min_n,
       $consecutive_years::INTEGER AS consecutive_years
FROM counted AS m
LEFT JOIN _disparity_measures AS p1
       ON p1.lea_level = m.lea_level AND p1.lea_id = m.lea_id AND p1.category = m.category
      AND p1."group" = m."group" AND p1.school_year = m.school_year - 1
LEFT JOIN _disparity_measures AS p2
       ON p2.lea_level = m.lea_level AND p2.lea_id = m.lea_id AND p2.category = m.category
      AND p2."group" = m."group" AND p2.school_year = m.school_year - 2
ORDER BY m.school_year, m.lea_level, m.lea_id, m.category, m."group"
