-- The state's determinations for one school year: every district's group whose ratio is over
-- the threshold (flagged), with whether it is significantly disproportionate (flagged the
-- required number of years in a row, 34 CFR 300.647(d)). Schools and the state itself are
-- analysis, not determinations.
SELECT lea_id, category, "group", ratio_type, ratio, threshold, years_over_threshold, consecutive_years,
       significant
FROM mart.disparity
WHERE lea_level = 'district' AND school_year = $year AND flagged
ORDER BY lea_id, category, "group"
