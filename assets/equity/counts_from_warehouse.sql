-- Counts for the significant-disproportionality engine, from the staging tables: one row per
-- school year, LEA (the district, every school for internal analysis, the state), category and
-- race/ethnicity group, with the group's count and population. Rules (docs/disparity.md):
--   * Groups are the seven federal codes of 34 CFR 300.647(b)(2). Students whose race/ethnicity is
--     unknown are outside every ratio; they get rows of their own (group 'unknown') so every
--     output can say how many were left out.
--   * A child with a disability is a student with a staging.special_education row that year
--     (one per student and year, by contract). Each student counts at the district and at the
--     school of their staging.students row (their primary school).
--   * Ages: with a birth_date, a student's age is taken on the state's count date ($age_month,
--     $age_day of the school year's fall: 300.641(a)); without one, grades stand in (PK-12 for
--     ages 3-21, KG-12 for 6-21) and the row counts the student in placed_by_grade.
--   * Identification (300.647(b)(3)): population = enrolled students ages 3 through 21.
--   * Placement (300.647(b)(4)(i)-(ii)): population = children with disabilities ages 6 through
--     21. Separate settings = separate_school + residential; homebound is in the population but
--     not the count (the regulation excludes homebound/hospital settings).
--   * Discipline (300.647(b)(4)(iii)-(vii)): population = children with disabilities ages 3
--     through 21. A child is in the OSS/expulsion or ISS categories only with at least 0.5
--     cumulative school days of that removal type in the year (IDEA Data Center; EDFacts FS006);
--     a blank days_removed is a removal of unknown length: the child is in > 10 when the known
--     days already exceed 10, otherwise in neither category, and the removal is counted in
--     unknown_days_removals. Total removals count removals (oss, iss, expulsion, iaes), not
--     children: every IAES removal, every removal of unknown length, and every removal of a type
--     the child reached 0.5 days of. `children` is the number of children with such a removal
--     (the minimum cell of 300.647(a) counts children).
--   * MTSS (not in the regulation): students identified for tier 2 or 3 support, any area
--     (mtss_any) and per area and tier; population = all enrolled students.
-- Every group with a population > 0 gets a row for every category of that population, with
-- count 0 when nobody in it had the outcome (0 is data; a missing row is "no such students").
-- LEAs: $levels lists which of 'district', 'school' and 'state' (every district together: the
-- state's own counts, its comparison when no state_counts.csv gives them) to count.
-- Parameters: $groups (the seven codes), $unknown_group, $age_month, $age_day, $levels.
WITH categories(category, population_kind) AS (
    VALUES
        ('identification_all', 'enrolled_3_21'),
        ('identification_id', 'enrolled_3_21'),
        ('identification_sld', 'enrolled_3_21'),
        ('identification_ed', 'enrolled_3_21'),
        ('identification_sli', 'enrolled_3_21'),
        ('identification_ohi', 'enrolled_3_21'),
        ('identification_aut', 'enrolled_3_21'),
        ('placement_rc_lt40', 'disability_6_21'),
        ('placement_separate', 'disability_6_21'),
        ('discipline_oss_exp_le10', 'disability_3_21'),
        ('discipline_oss_exp_gt10', 'disability_3_21'),
        ('discipline_iss_le10', 'disability_3_21'),
        ('discipline_iss_gt10', 'disability_3_21'),
        ('discipline_total_removals', 'disability_3_21'),
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
students AS (
    SELECT s.student_id, s.school_year, s.school_id, sc.district_id, s.grade_level,
           CASE WHEN list_contains($groups, s.race_ethnicity) THEN s.race_ethnicity
                ELSE $unknown_group END AS grp,
           s.birth_date,
           make_date(s.school_year - CASE WHEN $age_month >= 7 THEN 1 ELSE 0 END, $age_month, $age_day)
               AS age_date
    FROM staging.students AS s
    JOIN staging.schools AS sc USING (school_id)
),
enrolled AS (
    SELECT *,
           -- whole years on the count date
           CASE WHEN birth_date IS NOT NULL
                THEN year(age_date) - year(birth_date)
                     - CASE WHEN (month(age_date), day(age_date)) < (month(birth_date), day(birth_date))
                            THEN 1 ELSE 0 END END AS age,
           birth_date IS NULL AS by_grade
    FROM students
),
aged AS (
    SELECT *,
           CASE WHEN by_grade THEN true ELSE age BETWEEN 3 AND 21 END AS age_3_21,
           CASE WHEN by_grade THEN grade_level <> 'PK' ELSE age BETWEEN 6 AND 21 END AS age_6_21
    FROM enrolled
),
with_disability AS (
    SELECT a.student_id, a.school_year, a.age_3_21, a.age_6_21, a.by_grade,
           upper(trim(se.disability_category)) AS disability_category,
           lower(trim(se.educational_environment)) AS educational_environment
    FROM aged AS a
    JOIN staging.special_education AS se USING (student_id, school_year)
),
members AS (
    SELECT student_id, school_year, 'district' AS lea_level, district_id AS lea_id, grp FROM aged
    WHERE list_contains($levels, 'district')
    UNION ALL
    SELECT student_id, school_year, 'school', school_id, grp FROM aged
    WHERE list_contains($levels, 'school')
    UNION ALL
    -- the state: every student once, by student id (staging.students has one row per student
    -- and year, so a student enrolled in two of its districts that year is one member)
    SELECT student_id, school_year, 'state', 'state', grp FROM aged
    WHERE list_contains($levels, 'state')
),
population_sets AS (
    SELECT student_id, school_year, 'enrolled' AS population_kind, by_grade FROM aged
    UNION ALL
    SELECT student_id, school_year, 'enrolled_3_21', by_grade FROM aged WHERE age_3_21
    UNION ALL
    SELECT student_id, school_year, 'disability_3_21', by_grade FROM with_disability WHERE age_3_21
    UNION ALL
    SELECT student_id, school_year, 'disability_6_21', by_grade FROM with_disability WHERE age_6_21
),
removals AS (
    SELECT d.student_id, d.school_year, lower(trim(d.action)) AS action, d.days_removed,
           CASE WHEN lower(trim(d.action)) = 'iss' THEN 'iss'
                WHEN lower(trim(d.action)) IN ('oss', 'expulsion') THEN 'oss_exp' END AS removal_type
    FROM staging.discipline_incidents AS d
    JOIN with_disability AS w USING (student_id, school_year)
    WHERE w.age_3_21 AND lower(trim(d.action)) IN ('oss', 'expulsion', 'iss', 'iaes')
),
removal_days AS (
    SELECT student_id, school_year, removal_type,
           coalesce(sum(days_removed), 0) AS known_days,
           count(*) FILTER (WHERE days_removed IS NULL) AS unknown_removals
    FROM removals
    WHERE removal_type IS NOT NULL
    GROUP BY ALL
),
counted_removals AS (
    SELECT r.*, r.days_removed IS NULL AS unknown_days
    FROM removals AS r
    LEFT JOIN removal_days AS t USING (student_id, school_year, removal_type)
    WHERE r.action = 'iaes' OR r.days_removed IS NULL OR t.known_days >= 0.5
),
supports AS (
    SELECT DISTINCT m.student_id, m.school_year, lower(trim(m.area)) AS area, m.tier
    FROM staging.mtss_interventions AS m
    JOIN aged USING (student_id, school_year)
    WHERE m.tier IN (2, 3)
),
outcomes AS (
    -- (student, year, category, weight): weight 1 per child, or the number of removals.
    SELECT student_id, school_year, 'identification_all' AS category, 1 AS weight
    FROM with_disability WHERE age_3_21
    UNION ALL
    SELECT student_id, school_year, 'identification_' || lower(disability_category), 1
    FROM with_disability
    WHERE age_3_21 AND disability_category IN ('ID', 'SLD', 'ED', 'SLI', 'OHI', 'AUT')
    UNION ALL
    SELECT student_id, school_year, 'placement_rc_lt40', 1
    FROM with_disability
    WHERE age_6_21 AND educational_environment = 'rc_lt40'
    UNION ALL
    SELECT student_id, school_year, 'placement_separate', 1
    FROM with_disability
    WHERE age_6_21 AND educational_environment IN ('separate_school', 'residential')
    UNION ALL
    SELECT student_id, school_year,
           'discipline_' || removal_type
               || CASE WHEN known_days > 10 THEN '_gt10' WHEN unknown_removals = 0 THEN '_le10' END,
           1
    FROM removal_days
    WHERE known_days > 10 OR (unknown_removals = 0 AND known_days >= 0.5)
    UNION ALL
    SELECT student_id, school_year, 'discipline_total_removals', count(*)
    FROM counted_removals
    GROUP BY ALL
    UNION ALL
    SELECT DISTINCT student_id, school_year, 'mtss_any', 1
    FROM supports
    UNION ALL
    SELECT student_id, school_year, 'mtss_' || area || '_tier' || tier, 1
    FROM supports
    WHERE area IN ('reading', 'math', 'behavior', 'attendance')
),
unknown_days AS (
    -- removals of unknown length, on the rows of the categories they could not be placed in
    SELECT student_id, school_year, 'discipline_' || removal_type || suffix AS category,
           count(*) AS removals
    FROM removals, (VALUES ('_le10'), ('_gt10')) AS s(suffix)
    WHERE removal_type IS NOT NULL AND days_removed IS NULL
    GROUP BY ALL
    UNION ALL
    SELECT student_id, school_year, 'discipline_total_removals', count(*)
    FROM counted_removals
    WHERE unknown_days
    GROUP BY ALL
),
populations AS (
    SELECT m.school_year, m.lea_level, m.lea_id, m.grp, p.population_kind, count(*) AS population,
           count(*) FILTER (WHERE p.by_grade) AS placed_by_grade
    FROM members AS m
    JOIN population_sets AS p USING (student_id, school_year)
    GROUP BY ALL
),
counts AS (
    SELECT m.school_year, m.lea_level, m.lea_id, m.grp, o.category,
           sum(o.weight) AS count, count(*) AS children
    FROM members AS m
    JOIN outcomes AS o USING (student_id, school_year)
    GROUP BY ALL
),
unknown_counts AS (
    SELECT m.school_year, m.lea_level, m.lea_id, m.grp, u.category, sum(u.removals) AS removals
    FROM members AS m
    JOIN unknown_days AS u USING (student_id, school_year)
    GROUP BY ALL
)
SELECT p.school_year::INTEGER AS school_year,
       p.lea_level,
       p.lea_id,
       c.category,
       p.grp AS "group",
       coalesce(n.count, 0)::INTEGER AS count,
       p.population::INTEGER AS population,
       coalesce(n.children, 0)::INTEGER AS children,
       p.placed_by_grade::INTEGER AS placed_by_grade,
       CASE WHEN starts_with(c.category, 'discipline_') THEN coalesce(u.removals, 0) END::INTEGER
           AS unknown_days_removals
FROM populations AS p
JOIN categories AS c USING (population_kind)
LEFT JOIN counts AS n
       ON n.school_year = p.school_year AND n.lea_level = p.lea_level AND n.lea_id = p.lea_id
      AND n.grp = p.grp AND n.category = c.category
LEFT JOIN unknown_counts AS u
       ON u.school_year = p.school_year AND u.lea_level = p.lea_level AND u.lea_id = p.lea_id
      AND u.grp = p.grp AND u.category = c.category
ORDER BY school_year, lea_level, lea_id, category, "group"
