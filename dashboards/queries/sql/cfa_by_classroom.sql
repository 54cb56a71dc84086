-- The PLC's comparison: CFA mastery by classroom for one assessment ($cfa) or one standard
-- ($standard), over the classrooms ($sections) of a school, PLC or classroom in a year. One row
-- per classroom, assessment and standard, and one per assessment and standard for all the
-- classrooms together (section_id NULL). A classroom has a row only when the viewer may open it
-- (a teacher reading their PLC sees their own classroom and the PLC's total, never a colleague's
-- classroom); each cell is hidden by the viewer's audience, as in cfa_mastery.sql.
, picked AS (
    SELECT m.* FROM mart.cfa_mastery AS m
    WHERE list_contains($sections, m.section_id) AND m.school_year = $year
      AND ($cfa IS NULL OR m.cfa_id = $cfa) AND ($standard IS NULL OR m.standard_code = $standard)
), cells AS (
    SELECT school_year, section_id, cfa_id, any_value(cfa_title) AS cfa_title, standard_code,
           max(administered_date) AS administered_date,
           sum(students)::BIGINT AS students, sum(mastered)::BIGINT AS mastered
    FROM picked
    GROUP BY GROUPING SETS ((school_year, section_id, cfa_id, standard_code), (school_year, cfa_id, standard_code))
), shown AS (
    SELECT c.*,
           CASE WHEN c.section_id IS NULL THEN $in_scope
                ELSE ('classroom', c.section_id) IN (SELECT level, entity_id FROM below) END AS in_scope
    FROM cells AS c
    WHERE c.section_id IS NULL OR ('classroom', c.section_id) IN (SELECT level, entity_id FROM visible_org)
), rule AS (
    SELECT min_n, n_unit FROM mart.metric_catalog WHERE metric_key = 'cfa_mastery_rate'
), judged AS (
    SELECT c.*, hidden_for($audience, $staff_public, c.in_scope, c.students < r.min_n, c.students, r.min_n) AS hide,
           hidden_reason($audience, $staff_public, c.in_scope, c.students < r.min_n,
                         'fewer than ' || r.min_n || ' ' || r.n_unit, c.students, r.min_n, r.n_unit) AS reason
    FROM shown AS c, rule AS r
)
SELECT j.school_year, j.section_id, h.entity_name AS classroom_name, t.staff_name AS teacher_name,
       j.cfa_id, j.cfa_title, j.standard_code, j.administered_date,
       CASE WHEN j.hide THEN NULL ELSE j.students END::DOUBLE AS students,
       CASE WHEN j.hide THEN NULL ELSE j.mastered END::DOUBLE AS mastered,
       CASE WHEN j.hide THEN NULL ELSE j.mastered / j.students END AS mastery_rate,
       j.hide AS suppressed, j.reason AS suppression_reason
FROM judged AS j
LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = 'classroom' AND h.entity_id = j.section_id
LEFT JOIN staging.sections AS s ON s.section_id = j.section_id AND s.school_year = j.school_year
LEFT JOIN staging.staff AS t ON t.staff_id = s.staff_id
ORDER BY j.section_id IS NULL, classroom_name, j.administered_date, j.cfa_id, j.standard_code
