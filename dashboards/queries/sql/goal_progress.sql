-- Goal progress (assets/plans goal_progress.sql) of the goals the viewer may see, each
-- current value hidden by the viewer's audience (its projection with it, and its status says
-- 'suppressed'), each goal's supporting goals counted among those the viewer sees, by the
-- status the viewer sees, and the target the owner's scorecard holds for the goal's metric in
-- the year of its current value (or of the as-of date): a goal's target may differ from it.
, visible AS (
    {{visible}}
), shown AS (
    SELECT v.* EXCLUDE (in_scope) REPLACE (
               CASE WHEN h.hidden THEN NULL ELSE v.current_value END AS current_value,
               CASE WHEN h.hidden THEN NULL ELSE v.projected_value END AS projected_value,
               CASE WHEN h.hidden THEN 'suppressed' ELSE v.status END AS status,
               h.hidden AS suppressed)
    FROM visible AS v
    LEFT JOIN mart.metric_catalog AS m ON m.metric_key = split_part(v.metric_id, '.', 1),
    LATERAL (SELECT hidden_for($audience, $staff_public, v.in_scope, v.suppressed, v.current_n, m.min_n)
                    AND v.current_value IS NOT NULL AS hidden) AS h
), rollup AS (
    SELECT parent_goal_id AS goal_id, count(*) AS child_goals,
           count(*) FILTER (WHERE status = 'met') AS children_met,
           count(*) FILTER (WHERE status = 'on_track') AS children_on_track,
           count(*) FILTER (WHERE status = 'at_risk') AS children_at_risk,
           count(*) FILTER (WHERE status = 'off_track') AS children_off_track,
           count(*) FILTER (WHERE status NOT IN ('met', 'on_track', 'at_risk', 'off_track')) AS children_unmeasured
    FROM shown WHERE parent_goal_id IS NOT NULL GROUP BY parent_goal_id
)
SELECT s.* EXCLUDE (current_n),
       coalesce(r.child_goals, 0) AS child_goals, coalesce(r.children_met, 0) AS children_met,
       coalesce(r.children_on_track, 0) AS children_on_track, coalesce(r.children_at_risk, 0) AS children_at_risk,
       coalesce(r.children_off_track, 0) AS children_off_track,
       coalesce(r.children_unmeasured, 0) AS children_unmeasured,
       c.target AS scorecard_target
FROM shown AS s LEFT JOIN rollup AS r USING (goal_id)
LEFT JOIN mart.scorecard AS c
  ON c.level = s.level AND c.entity_id = s.entity_id AND c.metric_id = s.metric_id
 AND c.school_year = coalesce(s.current_year,
                              year(s.as_of) + CASE WHEN month(s.as_of) >= 7 THEN 1 ELSE 0 END)
ORDER BY s.plan_id, s.goal_id
