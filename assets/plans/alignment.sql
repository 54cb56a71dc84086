-- mart.plan_alignment: one row per alignment problem, with a stable `problem` code, a `detail`
-- sentence and the ids it concerns. Parameters: $as_of (which action steps are past due),
-- $groups (the known student groups), $plain_metrics / $split_metrics (catalog families whose ids
-- are plain, and those written family.<dimension>). Appended to goal_tree.sql.
, layer_above(level, parent_level) AS (
    VALUES ('department', 'district'), ('school', 'district'), ('school', 'department'),
           ('plc', 'school'), ('classroom', 'plc'), ('student', 'classroom')
), known_metric AS (
    SELECT DISTINCT metric_id,
           metric_id IN (SELECT unnest($plain_metrics))
           OR (contains(metric_id, '.') AND split_part(metric_id, '.', 1) IN (SELECT unnest($split_metrics)))
             AS known
    FROM (SELECT metric_id FROM goals WHERE metric_id IS NOT NULL
          UNION SELECT trim(unnest(string_split(evidence_metric_ids, '|'))) FROM staging.plan_strategies)
), any_plan AS (
    SELECT count(*) > 0 AS loaded FROM staging.plans
), problems AS (
    -- 1. the parent goal
    SELECT 'parent_missing' AS problem,
           format('{} goal {} ({}) names no parent goal: every goal below the district serves one a layer up',
                  g.level, g.goal_id, g.title) AS detail,
           g.level, g.owner_id AS entity_id, g.plan_id, g.goal_id, NULL::VARCHAR AS strategy_id,
           NULL::VARCHAR AS action_id
    FROM goals AS g WHERE g.level <> 'district' AND g.parent_goal_id IS NULL
    UNION ALL
    SELECT 'parent_not_found',
           format('goal {} names parent goal {}, which is in no plan', g.goal_id, g.parent_goal_id),
           g.level, g.owner_id, g.plan_id, g.goal_id, NULL, NULL
    FROM goals AS g
    WHERE g.parent_goal_id IS NOT NULL AND g.parent_goal_id NOT IN (SELECT goal_id FROM goals)
    UNION ALL
    SELECT 'parent_wrong_layer',
           format('{} goal {} serves {} goal {}: its parent must be in its own plan or one layer up ({})',
                  g.level, g.goal_id, p.level, p.goal_id,
                  coalesce((SELECT string_agg(parent_level, ' or ' ORDER BY parent_level) FROM layer_above AS l
                            WHERE l.level = g.level), 'none above the district')),
           g.level, g.owner_id, g.plan_id, g.goal_id, NULL, NULL
    FROM goals AS g JOIN goals AS p ON p.goal_id = g.parent_goal_id
    WHERE p.plan_id <> g.plan_id
      AND (g.level, p.level) NOT IN (SELECT level, parent_level FROM layer_above)
    UNION ALL
    -- 2. SMART goals: every part present, on a catalog metric and a known group
    SELECT 'smart_goal_missing_' || part,
           format('SMART goal {} ({}) has no {}', g.goal_id, g.title, replace(part, '_', ' ')),
           g.level, g.owner_id, g.plan_id, g.goal_id, NULL, NULL
    FROM goals AS g,
         LATERAL (SELECT unnest([
             CASE WHEN g.metric_id IS NULL THEN 'metric' END,
             CASE WHEN g.student_group IS NULL THEN 'student_group' END,
             CASE WHEN g.baseline_value IS NULL THEN 'baseline' END,
             CASE WHEN g.baseline_date IS NULL THEN 'baseline_date' END,
             CASE WHEN g.target_value IS NULL THEN 'target' END,
             CASE WHEN g.target_date IS NULL THEN 'target_date' END]) AS part)
    WHERE g.kind = 'smart_goal' AND part IS NOT NULL
    UNION ALL
    SELECT 'target_date_not_after_baseline',
           format('goal {}: target date {} is not after baseline date {}', g.goal_id, g.target_date, g.baseline_date),
           g.level, g.owner_id, g.plan_id, g.goal_id, NULL, NULL
    FROM goals AS g WHERE g.target_date <= g.baseline_date
    UNION ALL
    SELECT 'metric_unknown',
           format('goal {} names metric {}, which is not in the metric catalog', g.goal_id, g.metric_id),
           g.level, g.owner_id, g.plan_id, g.goal_id, NULL, NULL
    FROM goals AS g JOIN known_metric AS k USING (metric_id) WHERE NOT k.known
    UNION ALL
    SELECT 'student_group_unknown',
           format('goal {} names student group {}, which is not a known group', g.goal_id, g.student_group),
           g.level, g.owner_id, g.plan_id, g.goal_id, NULL, NULL
    FROM goals AS g WHERE g.student_group IS NOT NULL AND g.student_group NOT IN (SELECT unnest($groups))
    UNION ALL
    -- 3. strategies as theories of action
    SELECT 'strategy_missing_' || part,
           format('strategy {} (goal {}) has no {}', s.strategy_id, s.goal_id,
                  CASE part WHEN 'if' THEN '"If we ..."' WHEN 'then' THEN '"Then ..." (adult actions)'
                            WHEN 'and' THEN '"And ..." (student outcomes)' ELSE 'evidence metric' END),
           g.level, g.owner_id, g.plan_id, s.goal_id, s.strategy_id, NULL
    FROM staging.plan_strategies AS s LEFT JOIN goals AS g USING (goal_id),
         LATERAL (SELECT unnest([
             CASE WHEN s.if_we IS NULL THEN 'if' END,
             CASE WHEN s.then_adults IS NULL THEN 'then' END,
             CASE WHEN s.and_students IS NULL THEN 'and' END,
             CASE WHEN s.evidence_metric_ids IS NULL THEN 'evidence' END]) AS part)
    WHERE part IS NOT NULL
    UNION ALL
    SELECT 'strategy_evidence_unknown',
           format('strategy {} names evidence metric {}, which is not in the metric catalog', s.strategy_id, m),
           g.level, g.owner_id, g.plan_id, s.goal_id, s.strategy_id, NULL
    FROM (SELECT *, trim(unnest(string_split(evidence_metric_ids, '|'))) AS m FROM staging.plan_strategies) AS s
    LEFT JOIN goals AS g USING (goal_id)
    JOIN known_metric AS k ON k.metric_id = s.m
    WHERE NOT k.known
    UNION ALL
    -- 4. coverage of the organisation (only once plans are loaded at all)
    SELECT 'school_without_plan',
           format('school {} ({}) has no school improvement plan', h.entity_id, h.entity_name),
           'school', h.entity_id, NULL, NULL, NULL, NULL
    FROM staging.org_hierarchy AS h, any_plan
    WHERE any_plan.loaded AND h.entity_level = 'school'
      AND h.entity_id NOT IN (SELECT owner_id FROM staging.plans WHERE level = 'school')
    UNION ALL
    SELECT 'school_plan_not_aligned',
           format('school {} ({}): no goal of its plan supports a district goal', h.entity_id, h.entity_name),
           'school', h.entity_id, NULL, NULL, NULL, NULL
    FROM staging.org_hierarchy AS h
    WHERE h.entity_level = 'school'
      AND h.entity_id IN (SELECT owner_id FROM staging.plans WHERE level = 'school')
      AND h.entity_id NOT IN (SELECT g.owner_id FROM goals AS g JOIN district_support USING (goal_id)
                              WHERE g.level = 'school')
    UNION ALL
    SELECT 'plc_without_smart_goal',
           format('PLC {} ({}) has no SMART goal', h.entity_id, h.entity_name),
           'plc', h.entity_id, NULL, NULL, NULL, NULL
    FROM staging.org_hierarchy AS h, any_plan
    WHERE any_plan.loaded AND h.entity_level = 'plc'
      AND h.entity_id NOT IN (SELECT owner_id FROM goals WHERE level = 'plc' AND kind = 'smart_goal')
    UNION ALL
    SELECT 'district_goal_unsupported',
           format('district goal {} ({}) is supported by no school or department goal', d.goal_id, d.title),
           'district', d.owner_id, d.plan_id, d.goal_id, NULL, NULL
    FROM goals AS d
    WHERE d.level = 'district' AND d.parent_goal_id IS NULL
      AND d.goal_id NOT IN (SELECT s.district_goal_id FROM district_support AS s JOIN goals AS g USING (goal_id)
                            WHERE g.level IN ('school', 'department'))
    UNION ALL
    SELECT 'plan_owner_unknown',
           format('plan {} belongs to {} {}, which is not in the organisation files', p.plan_id, p.level, p.owner_id),
           p.level, p.owner_id, p.plan_id, NULL, NULL, NULL
    FROM staging.plans AS p
    WHERE p.level <> 'student'
      AND (p.level, p.owner_id) NOT IN (SELECT entity_level, entity_id FROM staging.org_hierarchy)
    UNION ALL
    -- 5. execution
    SELECT 'action_step_overdue',
           format('action step {} of goal {} (owner {}) was due {} and is {}', a.action_id, a.goal_id,
                  coalesce(a.owner, 'unnamed'), a.due_date, replace(a.status, '_', ' ')),
           g.level, g.owner_id, g.plan_id, a.goal_id, a.strategy_id, a.action_id
    FROM staging.action_steps AS a LEFT JOIN goals AS g USING (goal_id)
    WHERE a.due_date < $as_of AND a.status <> 'complete' AND a.completed_date IS NULL
)
SELECT problem, detail, level, entity_id, plan_id, goal_id,
       strategy_id, action_id
FROM problems
ORDER BY problem, level, entity_id, plan_id, goal_id, strategy_id, action_id
