-- The path from the state (a state warehouse's) or the district down to an entity; in_scope is
-- false for an ancestor above the viewer's scope (its aggregates are readable, it cannot be drilled).
, target AS (
    SELECT * FROM staging.org_hierarchy WHERE entity_level = $level AND entity_id = $id
), chain(depth, level, entity_id) AS (
    SELECT -1, h.entity_level, h.entity_id FROM staging.org_hierarchy AS h, target
    WHERE h.entity_level = 'state' AND target.entity_level <> 'state'
    UNION ALL SELECT 0, 'district', district_id FROM target
    UNION ALL SELECT 1, 'school', school_id FROM target WHERE entity_level IN ('plc', 'classroom')
    UNION ALL SELECT 2, parent_level, parent_id FROM target
              WHERE entity_level = 'classroom' AND parent_level = 'plc'
    UNION ALL SELECT 3, entity_level, entity_id FROM target WHERE entity_level <> 'district'
)
SELECT c.level, c.entity_id, h.entity_name,
       (c.level, c.entity_id) IN (SELECT level, entity_id FROM below) AS in_scope
FROM chain AS c
JOIN staging.org_hierarchy AS h ON h.entity_level = c.level AND h.entity_id = c.entity_id
ORDER BY c.depth
