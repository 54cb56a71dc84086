-- A mark is a letter or a number (the contract quarantines anything else): mark_letter holds the
-- letter (upper case), mark_score the number, so a rule can read either without parsing text.
CREATE OR REPLACE TABLE staging.course_marks AS
SELECT student_id, section_id, school_year, grading_period, period_end_date,
       upper(mark) AS mark,
       CASE WHEN upper(mark) IN ('A', 'B', 'C', 'D', 'F') THEN upper(mark) END AS mark_letter,
       TRY_CAST(mark AS DOUBLE) AS mark_score,
       credit_attempted
FROM raw.course_marks;
