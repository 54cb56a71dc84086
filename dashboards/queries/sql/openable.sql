-- The org entities a viewer may open (the scope and everything below it); $school: only the PLCs
-- and classrooms of that school; $parent_level/$parent_id: only that entity's children;
-- $only_level: only that level; $year: only the classrooms (sections) of that school year.
SELECT h.entity_level AS level, h.entity_id, h.entity_name, h.parent_level, h.parent_id, h.school_id
FROM staging.org_hierarchy AS h
JOIN below AS b ON b.level = h.entity_level AND b.entity_id = h.entity_id
LEFT JOIN staging.sections AS s ON h.entity_level = 'classroom' AND s.section_id = h.entity_id
WHERE ($year IS NULL OR s.school_year IS NULL OR s.school_year = $year)
  AND ($school IS NULL OR (h.school_id = $school AND h.entity_level IN ('plc', 'classroom')))
  AND ($parent_level IS NULL OR (h.parent_level = $parent_level AND h.parent_id = $parent_id))
  AND ($only_level IS NULL OR h.entity_level = $only_level)
ORDER BY list_position(['district', 'department', 'school', 'plc', 'classroom'], h.entity_level),
         h.entity_name, h.entity_id
