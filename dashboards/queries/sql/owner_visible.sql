-- Rows of a plan query (filled in below; columns level and entity_id name the plan's owner) whose owner
-- the viewer may see: an org entity of visible_org, or (with student access) a visible student.
SELECT t.*,
       $scope_id IS NULL OR t.level = 'student'
           OR (t.level, t.entity_id) IN (SELECT level, entity_id FROM below) AS in_scope
FROM ({{rows}}) AS t
WHERE (t.level IS DISTINCT FROM 'student'
       AND ($scope_id IS NULL OR (t.level, t.entity_id) IN (SELECT level, entity_id FROM visible_org)))
   OR (t.level = 'student' AND $audience = 'students'
       AND ($scope_id IS NULL OR t.entity_id IN (SELECT student_id FROM visible_students)))
