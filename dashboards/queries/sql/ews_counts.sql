-- Flagged students of the chosen entity (the `members` CTE) at each month end of a school year,
-- counted for all its students and by school, grade and student group: an aggregate, hidden by
-- the viewer's audience with n = the students of the cell and the minimum n of the attendance
-- indicator's metric ($min_n); no student rows. A student is flagged with one indicator or more,
-- supported with an MTSS intervention active on the date; in_school counts the students with an
-- enrolled day by the date (none: the year has not started, "no data" rather than nobody flagged).
, chosen_year AS (
    -- the year asked for, else the latest in which the entity has students (a classroom of last year)
    SELECT coalesce($year, (SELECT max(w.school_year) FROM mart.early_warning AS w
                            JOIN members AS m ON m.school_year = w.school_year AND m.student_id = w.student_id))
           AS school_year
), judged AS (
    SELECT w.as_of, w.school_year, w.student_id, w.school_id, w.grade_level,
           w.flags > 0 AS flagged, w.attendance <> 'none' AS attendance, w.behavior = 'Y' AS behavior,
           coalesce(w.course = 'Y', false) AS course, coalesce(w.assessment = 'Y', false) AS assessment,
           w.supports IS NOT NULL AS supported, w.enrolled_days > 0 AS in_school
    FROM mart.early_warning AS w
    JOIN members AS m ON m.school_year = w.school_year AND m.student_id = w.student_id
    WHERE w.school_year = (SELECT school_year FROM chosen_year)
), keyed AS (
    SELECT 'all' AS dimension, 'all' AS key, * FROM judged
    UNION ALL
    SELECT 'school', school_id, * FROM judged
    UNION ALL
    SELECT 'grade', grade_level, * FROM judged
    UNION ALL
    SELECT 'group', g.student_group, j.*
    FROM judged AS j
    JOIN staging.student_groups AS g ON g.school_year = j.school_year AND g.student_id = j.student_id
    WHERE g.student_group <> 'all' AND NOT starts_with(g.student_group, 'grade:')
), counted AS (
    SELECT as_of, school_year, dimension, key, count(*) AS students, count(*) FILTER (WHERE in_school) AS in_school,
           count(*) FILTER (WHERE flagged) AS flagged,
           count(*) FILTER (WHERE attendance) AS attendance,
           count(*) FILTER (WHERE behavior) AS behavior,
           count(*) FILTER (WHERE course) AS course,
           count(*) FILTER (WHERE assessment) AS assessment,
           count(*) FILTER (WHERE supported) AS supported,
           count(*) FILTER (WHERE flagged AND NOT supported) AS flagged_unsupported
    FROM keyed
    GROUP BY as_of, school_year, dimension, key
), shown AS (
    SELECT c.*,
           hidden_for($audience, $staff_public, in_scope, c.students < $min_n, c.students, $min_n) AS hidden,
           hidden_reason($audience, $staff_public, in_scope, c.students < $min_n,
                         'fewer than ' || $min_n || ' ' || $n_unit, c.students, $min_n, $n_unit) AS hidden_because
    FROM counted AS c, (SELECT ($level, $entity) IN (SELECT level, entity_id FROM below) AS in_scope)
)
SELECT s.as_of, s.school_year, s.dimension, s.key,
       CASE WHEN s.dimension = 'school' THEN coalesce(h.entity_name, s.key) END AS school_name,
       CASE WHEN hidden THEN NULL ELSE students END AS students,
       CASE WHEN hidden THEN NULL ELSE in_school END AS in_school,
       CASE WHEN hidden THEN NULL ELSE flagged END AS flagged,
       CASE WHEN hidden THEN NULL ELSE attendance END AS attendance,
       CASE WHEN hidden THEN NULL ELSE behavior END AS behavior,
       CASE WHEN hidden THEN NULL ELSE course END AS course,
       CASE WHEN hidden THEN NULL ELSE assessment END AS assessment,
       CASE WHEN hidden THEN NULL ELSE supported END AS supported,
       CASE WHEN hidden THEN NULL ELSE flagged_unsupported END AS flagged_unsupported,
       CASE WHEN hidden THEN NULL ELSE flagged / students END AS flagged_rate,
       CASE WHEN hidden THEN NULL ELSE supported / students END AS supported_rate,
       hidden AS suppressed, hidden_because AS suppression_reason
FROM shown AS s
LEFT JOIN staging.org_hierarchy AS h ON s.dimension = 'school' AND h.entity_level = 'school' AND h.entity_id = s.key
ORDER BY s.as_of, s.dimension, s.key
