-- The plan goals with their plan, and every ancestor each goal reaches through parent_goal_id
-- (itself at depth 0). Shared by the alignment checks and goal progress (prepended as CTEs).
WITH RECURSIVE goals AS (
    SELECT g.*, p.level, p.owner_id, p.title AS plan_title
    FROM staging.plan_goals AS g
    LEFT JOIN staging.plans AS p USING (plan_id)
), chain(goal_id, ancestor_id, depth) AS (
    SELECT goal_id, goal_id, 0 FROM goals
    UNION
    -- a parent cycle stops at the depth bound instead of running forever
    SELECT c.goal_id, a.parent_goal_id, c.depth + 1
    FROM chain AS c JOIN goals AS a ON a.goal_id = c.ancestor_id
    WHERE a.parent_goal_id IS NOT NULL AND c.depth < 12
), district_support AS (
    -- goal -> the top-level district goal it serves (directly, through objectives or layers)
    SELECT DISTINCT c.goal_id, a.goal_id AS district_goal_id
    FROM chain AS c JOIN goals AS a ON a.goal_id = c.ancestor_id
    WHERE a.level = 'district' AND a.parent_goal_id IS NULL
)
