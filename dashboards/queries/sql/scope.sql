-- The viewer's scope, prefixed to every query of the query layer by access.Gate ($scope_level,
-- $scope_id; $scope_id NULL = every district, an analyst, or the state viewer of a state warehouse):
--   below             the scope and every entity under it: what the viewer may open and drill;
--   above             the scope's ancestors: readable as aggregates only, never their students
--                     (in a state warehouse the state, whose parent is none, is above everyone);
--   visible_org       below and above;
--   visible_students  (school_year, student_id) of the students enrolled that year at a school in
--                     `below` or in a classroom (section) in `below`: the only students a
--                     student-level query may return, year by year (filled in by access.Gate:
--                     sql/visible_students.sql; none in a state warehouse, which holds no students).
-- The layers are fixed (staging/org_hierarchy.sql: district -> department | school -> plc ->
-- classroom, a classroom without a PLC under its school) and every row carries its district_id
-- and school_id, so no recursion is needed: on a district of 44,000 entities a recursive walk cost
-- hundreds of milliseconds per request.
WITH scope AS (
    SELECT * FROM staging.org_hierarchy WHERE entity_level = $scope_level AND entity_id = $scope_id
), below AS (
    SELECT h.entity_level AS level, h.entity_id
    FROM staging.org_hierarchy AS h
    WHERE $scope_id IS NULL
       OR ($scope_level = 'district' AND h.district_id = $scope_id)
       OR ($scope_level = 'school' AND h.school_id = $scope_id)
       OR ($scope_level = 'plc' AND ((h.entity_level = 'plc' AND h.entity_id = $scope_id)
           OR (h.entity_level = 'classroom' AND h.parent_level = 'plc' AND h.parent_id = $scope_id)))
       OR ($scope_level IN ('department', 'classroom') AND h.entity_level = $scope_level AND h.entity_id = $scope_id)
), above AS (
    SELECT 'district' AS level, district_id AS entity_id FROM scope WHERE entity_level <> 'district'
    UNION ALL
    SELECT 'school', school_id FROM scope WHERE entity_level IN ('plc', 'classroom')
    UNION ALL
    SELECT parent_level, parent_id FROM scope WHERE entity_level = 'classroom' AND parent_level = 'plc'
    UNION ALL
    SELECT h.entity_level, h.entity_id FROM staging.org_hierarchy AS h, scope WHERE h.entity_level = 'state'
), visible_org AS (
    SELECT level, entity_id FROM below UNION SELECT level, entity_id FROM above
), visible_students AS (
    {{visible_students}}
)
