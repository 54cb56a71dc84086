-- Metric ids ($ids) as the scorecard names them: the family's name, and what follows the family
-- in the id in parentheses ('Proficiency rate (ela)'); an unknown id keeps its id.
SELECT m.id AS metric_id,
       coalesce(c.name || CASE WHEN m.id <> c.metric_key
                               THEN ' (' || substr(m.id, length(c.metric_key) + 2) || ')' ELSE '' END, m.id) AS metric_name
FROM (SELECT DISTINCT unnest($ids::VARCHAR[]) AS id) AS m
LEFT JOIN mart.metric_catalog AS c ON c.metric_key = split_part(m.id, '.', 1)
