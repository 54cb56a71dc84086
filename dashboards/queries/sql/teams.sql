-- The teams the viewer may see (staging.teams): those whose owner entity is visible to them (their
-- scope, below it, and the layers above it, as every entity). $team: one team (NULL: all);
-- $own: only the teams owned by the viewer's own scope entity ("My team").
SELECT t.team_id, t.team_type, t.team_name, t.owner_level, t.owner_id, h.entity_name AS owner_name,
       t.cadence, t.cadence_days, coalesce(len(t.member_staff_ids), 0) AS members,
       (t.owner_level, t.owner_id) IN (SELECT level, entity_id FROM visible_org) AS visible
FROM staging.teams AS t
LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = t.owner_level AND h.entity_id = t.owner_id
WHERE ($team IS NULL OR t.team_id = $team)
  AND (NOT $own OR (t.owner_level = $scope_level AND t.owner_id = $scope_id))
ORDER BY list_position(['district', 'department', 'school', 'plc', 'classroom'], t.owner_level), t.team_id
