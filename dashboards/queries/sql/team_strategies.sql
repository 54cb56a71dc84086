-- The If/Then/And strategies of some goals ($goals: the goals of a team's plans the viewer sees),
-- with their evidence metrics as a list.
SELECT strategy_id, goal_id, if_we, then_adults, and_students,
       list_filter(list_transform(string_split(coalesce(evidence_metric_ids, ''), '|'), lambda m: trim(m)),
                   lambda m: m <> '') AS evidence
FROM staging.plan_strategies
WHERE list_contains($goals, goal_id)
ORDER BY goal_id, strategy_id
