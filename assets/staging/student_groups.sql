-- Every group each student belongs to in each school year, in the codes of landing-files.md.
-- A blank (unknown) flag puts the student in neither the yes nor the no group.
CREATE OR REPLACE TABLE staging.student_groups AS
SELECT student_id, school_year, student_group
FROM staging.students,
LATERAL (
    SELECT unnest([
        'all',
        CASE WHEN race_ethnicity <> 'unknown' THEN 'race_ethnicity:' || race_ethnicity END,
        'idea:' || CASE idea_disability WHEN true THEN 'yes' WHEN false THEN 'no' END,
        'english_learner:' || CASE english_learner WHEN true THEN 'yes' WHEN false THEN 'no' END,
        'econ_disadvantaged:' || CASE economically_disadvantaged WHEN true THEN 'yes' WHEN false THEN 'no' END,
        'sex:' || sex,
        'grade:' || grade_level
    ]) AS student_group
)
WHERE student_group IS NOT NULL;
