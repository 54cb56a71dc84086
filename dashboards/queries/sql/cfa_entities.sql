-- The PLCs and classrooms among $sections (a school's, PLC's or classroom's) with CFA results in
-- a year, among those the viewer may open: the "layer below" leaves out the ones with none.
SELECT DISTINCT 'classroom' AS level, m.section_id AS entity_id
FROM mart.cfa_mastery AS m
WHERE list_contains($sections, m.section_id) AND m.school_year = $year
  AND ('classroom', m.section_id) IN (SELECT level, entity_id FROM below)
UNION
SELECT DISTINCT 'plc', m.plc_id
FROM mart.cfa_mastery AS m
WHERE list_contains($sections, m.section_id) AND m.school_year = $year AND m.plc_id IS NOT NULL
  AND ('plc', m.plc_id) IN (SELECT level, entity_id FROM below)
ORDER BY 1, 2
