-- Consecutive years over the threshold, significance, and the two prior years' ratios side by
-- side, from the per-year measures in _disparity_measures (which carry each category's rule:
-- threshold, min_cell, min_n, consecutive_years). Parameters: $progress, the decrease of the
-- ratio a state accepts as reasonable progress (300.647(d)(2); NULL = off), $progress_text and
-- $cell_basis (copied onto every row so a reader sees the rule applied).
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
),
progressed AS (
    SELECT m.* EXCLUDE (threshold, min_cell, min_n, consecutive_years),
           -- 300.647(d)(2): the ratio fell by at least $progress from two years before to last
           -- year and again from last year to this year
           coalesce($progress IS NOT NULL AND p2.ratio - p1.ratio >= $progress
                    AND p1.ratio - m.ratio >= $progress, false) AS reasonable_progress,
           p1.ratio AS prior_year_ratio,
           p2.ratio AS two_years_prior_ratio,
           m.threshold, m.min_cell, m.min_n, m.consecutive_years
    FROM counted AS m
    LEFT JOIN _disparity_measures AS p1
           ON p1.lea_level = m.lea_level AND p1.lea_id = m.lea_id AND p1.category = m.category
          AND p1."group" = m."group" AND p1.school_year = m.school_year - 1
    LEFT JOIN _disparity_measures AS p2
           ON p2.lea_level = m.lea_level AND p2.lea_id = m.lea_id AND p2.category = m.category
          AND p2."group" = m."group" AND p2.school_year = m.school_year - 2
)
SELECT * EXCLUDE (prior_year_ratio, two_years_prior_ratio, threshold, min_cell, min_n, consecutive_years,
                  reasonable_progress),
       years_over_threshold >= consecutive_years AND NOT reasonable_progress AS significant,
       reasonable_progress,
       prior_year_ratio,
       two_years_prior_ratio,
       threshold, min_cell, min_n, consecutive_years,
       $cell_basis::VARCHAR AS total_removals_min_cell,
       $progress_text::VARCHAR AS reasonable_progress_decrease
FROM progressed
ORDER BY school_year, lea_level, lea_id, category, "group"
