-- The PLCs and classrooms among $sections (a school's, PLC's or classroom's) with CFA results in
-- a year, among those the viewer may open, with each classroom's teacher: the "layer below"
-- leaves out the ones with none.
, with_cfa AS (
    SELECT DISTINCT 'classroom' AS level, m.section_id AS entity_id
    FROM mart.cfa_mastery AS m
    WHERE list_contains($sections, m.section_id) AND m.school_year = $year
    UNION
    SELECT DISTINCT 'plc', m.plc_id
    FROM mart.cfa_mastery AS m
    WHERE list_contains($sections, m.section_id) AND m.school_year = $year AND m.plc_id IS NOT NULL
)
SELECT w.level, w.entity_id, t.staff_name AS teacher_name
FROM with_cfa AS w
LEFT JOIN staging.sections AS s ON w.level = 'classroom' AND s.section_id = w.entity_id AND s.school_year = $year
LEFT JOIN staging.staff AS t ON t.staff_id = s.staff_id
WHERE (w.level, w.entity_id) IN (SELECT level, entity_id FROM below)
ORDER BY w.level, w.entity_id
