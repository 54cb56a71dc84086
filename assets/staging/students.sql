-- Federal race/ethnicity (landing-files.md): Hispanic/Latino = Y wins over any race; otherwise
-- more than one race is two_or_more; otherwise the single race; no race and not Hispanic is unknown.
CREATE OR REPLACE TABLE staging.students AS
WITH races AS (
    SELECT *,
        list_distinct(list_filter(list_transform(string_split(coalesce(races, ''), '|'), lambda r: trim(r)),
                                  lambda r: r <> '')) AS race_list
    FROM raw.students
)
SELECT student_id, school_id, school_year, grade_level, sex, hispanic_latino, races,
       english_learner, idea_disability, economically_disadvantaged, birth_date,
       first_name, last_name,  -- student-level data: never selected into a mart
       CASE
           WHEN hispanic_latino THEN 'hispanic_latino'
           WHEN len(race_list) > 1 THEN 'two_or_more'
           WHEN len(race_list) = 1 THEN race_list[1]
           ELSE 'unknown'
       END AS race_ethnicity
FROM races;
