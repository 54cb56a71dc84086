-- The latest load of every landing file of the contracts ($files), per district: a state
-- warehouse's load records carry the district they came from ({{district}}: district_id; its
-- name {{district_name}}), and only the districts the viewer may open are read ({{visible}});
-- an ordinary warehouse's are one district's (NULL). A file never loaded is 'missing'.
, records AS (
    SELECT *, {{district}} AS district FROM mart.data_quality WHERE {{visible}}
), latest AS (
    SELECT * FROM records
    QUALIFY row_number() OVER (PARTITION BY district, file ORDER BY loaded_at DESC) = 1
), good AS (
    SELECT district, file, max(loaded_at) AS last_good_load FROM records
    WHERE list_contains($loaded, status) GROUP BY ALL
), districts AS (  -- with no record yet, one district whose files are all missing
    SELECT DISTINCT district FROM records
    UNION ALL SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM records)
)
SELECT d.district, {{district_name}} AS district_name, c.file AS contract,
       coalesce(q.source_file, c.file || '.csv') AS file,
       coalesce(q.status, 'missing') AS status, coalesce(q.rows_read, 0) AS rows_read,
       coalesce(q.rows_loaded, 0) AS rows_loaded, coalesce(q.rows_quarantined, 0) AS rows_quarantined,
       CAST(q.reasons AS VARCHAR) AS reasons, q.checks_passed, q.checks_failed,
       coalesce(q.message, CASE WHEN q.file IS NULL THEN 'never loaded' END) AS message,
       q.loaded_at, g.last_good_load
FROM (SELECT unnest($files::VARCHAR[]) AS file) AS c
CROSS JOIN districts AS d
LEFT JOIN latest AS q ON q.file = c.file AND q.district IS NOT DISTINCT FROM d.district
LEFT JOIN good AS g ON g.file = c.file AND g.district IS NOT DISTINCT FROM d.district
ORDER BY district_name, d.district, c.file
