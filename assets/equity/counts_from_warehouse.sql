-- Counts for the significant-disproportionality engine, from the staging tables: one row per
-- school year, LEA (the district, and every school for internal analysis), category and
-- race/ethnicity group, with the group's count and population. Rules (docs/disparity.md):
--   * Groups are the seven federal codes of 34 CFR 300.647(b)(2). Students whose race/ethnicity is
--     unknown are left out of both sides of every ratio (they belong to no group).
--   * A child with a disability is a student with a staging.special_education row that year
--     (one per student and year, by contract). Each student counts at the district and at the
--     school of their staging.students row (their primary school).
--   * Identification (300.647(b)(3)): population = enrolled students. The warehouse has grades,
--     not ages: every enrolled grade (PK-12) stands in for ages 3 through 21.
--   * Placement (300.647(b)(4)(i)-(ii), ages 6 through 21): population = children with
--     disabilities outside PK. Separate settings = separate_school + residential; homebound is
--     in the population but not the count (the regulation excludes homebound/hospital settings).
--   * Discipline (300.647(b)(4)(iii)-(vii), ages 3 through 21): population = children with
--     disabilities. <=10 / >10 days use the child's cumulative days of that removal type in the
--     school year (OSS and expulsion together; ISS alone; a blank days_removed counts 0 days).
--     Total removals counts removals (incidents of oss, iss, expulsion, iaes), not children, so
--     its count may exceed its population.
--   * MTSS (not in the regulation): students identified for tier 2 or 3 support, any area
--     (mtss_any) and per area and tier; population = enrolled students.
-- Every group with a population > 0 gets a row for every category of that population, with
-- count 0 when nobody in it had the outcome (0 is data; a missing row is "no such students").
-- Parameter: $groups, the seven codes (codes.GROUPS).
WITH categories(category, population_kind) AS (
    VALUES
        ('identification_all', 'enrolled'),
        ('identification_id', 'enrolled'),
        ('identification_sld', 'enrolled'),
        ('identification_ed', 'enrolled'),
        ('identification_sli', 'enrolled'),
        ('identification_ohi', 'enrolled'),
        ('identification_aut', 'enrolled'),
        ('placement_rc_lt40', 'disability_school_age'),
        ('placement_separate', 'disability_school_age'),
        ('discipline_oss_exp_le10', 'disability'),
        ('discipline_oss_exp_gt10', 'disability'),
        ('discipline_iss_le10', 'disability'),
        ('discipline_iss_gt10', 'disability'),
        ('discipline_total_removals', 'disability'),
        ('mtss_any', 'enrolled'),
        ('mtss_reading_tier2', 'enrolled'),
        ('mtss_reading_tier3', 'enrolled'),
        ('mtss_math_tier2', 'enrolled'),
        ('mtss_math_tier3', 'enrolled'),
        ('mtss_behavior_tier2', 'enrolled'),
        ('mtss_behavior_tier3', 'enrolled'),
        ('mtss_attendance_tier2', 'enrolled'),
        ('mtss_attendance_tier3', 'enrolled')
),
enrolled AS (
    SELECT s.student_id, s.school_year, s.school_id, sc.district_id, s.grade_level, s.race_ethnicity
    FROM staging.students AS s
    JOIN staging.schools AS sc USING (school_id)
    WHERE list_contains($groups, s.race_ethnicity)
),
with_disability AS (
    SELECT e.student_id, e.school_year, e.grade_level,
           upper(trim(se.disability_category)) AS disability_category,
           lower(trim(se.educational_environment)) AS educational_environment
    FROM enrolled AS e
    JOIN staging.special_education AS se USING (student_id, school_year)
),
members AS (
    SELECT student_id, school_year, 'district' AS lea_level, district_id AS lea_id, race_ethnicity AS grp
    FROM enrolled
    UNION ALL
    SELECT student_id, school_year, 'school', school_id, race_ethnicity
    FROM enrolled
),
population_sets AS (
    SELECT student_id, school_year, 'enrolled' AS population_kind FROM enrolled
    UNION ALL
    SELECT student_id, school_year, 'disability' FROM with_disability
    UNION ALL
    SELECT student_id, school_year, 'disability_school_age' FROM with_disability WHERE grade_level <> 'PK'
),
removals AS (
    SELECT d.student_id, d.school_year, lower(trim(d.action)) AS action, d.days_removed
    FROM staging.discipline_incidents AS d
    JOIN with_disability USING (student_id, school_year)
    WHERE lower(trim(d.action)) IN ('oss', 'expulsion', 'iss', 'iaes')
),
removal_days AS (
    SELECT student_id, school_year,
           CASE WHEN action = 'iss' THEN 'iss' ELSE 'oss_exp' END AS removal_type,
           sum(coalesce(days_removed, 0)) AS days
    FROM removals
    WHERE action IN ('oss', 'expulsion', 'iss')
    GROUP BY ALL
),
supports AS (
    SELECT DISTINCT m.student_id, m.school_year, lower(trim(m.area)) AS area, m.tier
    FROM staging.mtss_interventions AS m
    JOIN enrolled USING (student_id, school_year)
    WHERE m.tier IN (2, 3)
),
outcomes AS (
    -- (student, year, category, weight): weight 1 per child, or the number of removals.
    SELECT student_id, school_year, 'identification_all' AS category, 1 AS weight
    FROM with_disability
    UNION ALL
    SELECT student_id, school_year, 'identification_' || lower(disability_category), 1
    FROM with_disability
    WHERE disability_category IN ('ID', 'SLD', 'ED', 'SLI', 'OHI', 'AUT')
    UNION ALL
    SELECT student_id, school_year, 'placement_rc_lt40', 1
    FROM with_disability
    WHERE grade_level <> 'PK' AND educational_environment = 'rc_lt40'
    UNION ALL
    SELECT student_id, school_year, 'placement_separate', 1
    FROM with_disability
    WHERE grade_level <> 'PK' AND educational_environment IN ('separate_school', 'residential')
    UNION ALL
    SELECT student_id, school_year,
           'discipline_' || removal_type || CASE WHEN days > 10 THEN '_gt10' ELSE '_le10' END, 1
    FROM removal_days
    UNION ALL
    SELECT student_id, school_year, 'discipline_total_removals', count(*)
    FROM removals
    GROUP BY ALL
    UNION ALL
    SELECT DISTINCT student_id, school_year, 'mtss_any', 1
    FROM supports
    UNION ALL
    SELECT student_id, school_year, 'mtss_' || area || '_tier' || tier, 1
    FROM supports
    WHERE area IN ('reading', 'math', 'behavior', 'attendance')
),
populations AS (
    SELECT m.school_year, m.lea_level, m.lea_id, m.grp, p.population_kind, count(*) AS population
    FROM members AS m
    JOIN population_sets AS p USING (student_id, school_year)
    GROUP BY ALL
),
counts AS (
    SELECT m.school_year, m.lea_level, m.lea_id, m.grp, o.category, sum(o.weight) AS count
    FROM members AS m
    JOIN outcomes AS o USING (student_id, school_year)
    GROUP BY ALL
)
SELECT p.school_year::INTEGER AS school_year,
       p.lea_level,
       p.lea_id,
       c.category,
       p.grp AS "group",
       coalesce(n.count, 0)::INTEGER AS count,
       p.population::INTEGER AS population
FROM populations AS p
JOIN categories AS c USING (population_kind)
LEFT JOIN counts AS n
       ON n.school_year = p.school_year AND n.lea_level = p.lea_level AND n.lea_id = p.lea_id
      AND n.grp = p.grp AND n.category = c.category
ORDER BY school_year, lea_level, lea_id, category, "group"
