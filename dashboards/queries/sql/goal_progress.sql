-- Goal progress (assets/plans goal_progress.sql) of the goals the viewer may see, each
-- current value hidden by the viewer's audience (its projection with it, and its status says
-- 'suppressed'), and each goal's supporting goals counted among those the viewer sees, by the
-- status the viewer sees.
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
       coalesce(r.children_unmeasured, 0) AS children_unmeasured
FROM shown AS s LEFT JOIN rollup AS r USING (goal_id)
ORDER BY s.plan_id, s.goal_id
