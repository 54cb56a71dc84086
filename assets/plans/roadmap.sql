-- mart.roadmap_status: the five phases of the continuous-improvement roadmap for each
-- plan with any roadmap review, as of $as_of: reviewed or not, the latest review's answers, and
-- whether its "by when" has passed.
WITH phases(phase, phase_order) AS (
    VALUES ('set_vision', 1), ('assess_needs', 2), ('create_plan', 3), ('implement', 4), ('monitor_adjust', 5)
), reviewed_plans AS (
    SELECT DISTINCT plan_id FROM staging.roadmap_reviews
), latest AS (
    SELECT plan_id, phase, count(*) AS reviews, max(review_date) AS last_review_date,
           arg_max(done, review_date) AS done, arg_max(stakeholders_engaged, review_date) AS stakeholders_engaged,
           arg_max(still_to_do, review_date) AS still_to_do, arg_max(by_when, review_date) AS by_when,
           arg_max(responsible, review_date) AS responsible
    FROM staging.roadmap_reviews
    WHERE review_date <= CAST($as_of AS DATE)
    GROUP BY plan_id, phase
)
SELECT r.plan_id, p.level, p.owner_id AS entity_id, ph.phase, ph.phase_order,
       coalesce(l.reviews, 0) AS reviews, l.reviews IS NOT NULL AS reviewed, l.last_review_date,
       l.done, l.stakeholders_engaged, l.still_to_do, l.by_when, l.responsible,
       coalesce(l.by_when < CAST($as_of AS DATE), false) AS follow_up_past_due
FROM reviewed_plans AS r CROSS JOIN phases AS ph
LEFT JOIN staging.plans AS p USING (plan_id)
LEFT JOIN latest AS l ON l.plan_id = r.plan_id AND l.phase = ph.phase
ORDER BY r.plan_id, ph.phase_order
