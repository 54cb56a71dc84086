-- CFA mastery by assessment and standard over some classrooms ($sections) and a year, each cell
-- hidden by the viewer's audience: under the cfa_mastery_rate minimum n for staff (and for the
-- public, which never sees classroom data).
, cells AS (
    SELECT school_year, cfa_id, any_value(cfa_title) AS cfa_title, standard_code,
           max(administered_date) AS administered_date,
           sum(students)::BIGINT AS students, sum(mastered)::BIGINT AS mastered
    FROM mart.cfa_mastery
    WHERE list_contains($sections, section_id) AND school_year = $year
    GROUP BY school_year, cfa_id, standard_code
), rule AS (
    SELECT min_n, n_unit FROM mart.metric_catalog WHERE metric_key = 'cfa_mastery_rate'
), judged AS (
    SELECT c.*, hidden_for($audience, $staff_public, $in_scope, c.students < r.min_n, c.students, r.min_n) AS hide,
           hidden_reason($audience, $staff_public, $in_scope, c.students < r.min_n,
                         'fewer than ' || r.min_n || ' ' || r.n_unit, c.students, r.min_n, r.n_unit) AS reason
    FROM cells AS c, rule AS r
)
SELECT school_year, cfa_id, cfa_title, standard_code, administered_date,
       CASE WHEN hide THEN NULL ELSE students END::DOUBLE AS students,
       CASE WHEN hide THEN NULL ELSE mastered END::DOUBLE AS mastered,
       CASE WHEN hide THEN NULL ELSE mastered / students END AS mastery_rate,
       hide AS suppressed, reason AS suppression_reason
FROM judged
ORDER BY administered_date, cfa_id, standard_code
