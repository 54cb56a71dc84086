-- Is the entity of a user's scope in the warehouse? (`alignboard users add`)
SELECT count(*) > 0
FROM staging.org_hierarchy
WHERE entity_level = $level AND entity_id = $entity_id
