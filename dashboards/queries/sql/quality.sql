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
), districts AS (
    SELECT DISTINCT district FROM records
)
SELECT d.district, {{district_name}} AS district_name, c.file AS contract,
       coalesce(l.source_file, c.file || '.csv') AS file,
       coalesce(l.status, 'missing') AS status, coalesce(l.rows_read, 0) AS rows_read,
       coalesce(l.rows_loaded, 0) AS rows_loaded, coalesce(l.rows_quarantined, 0) AS rows_quarantined,
       CAST(l.reasons AS VARCHAR) AS reasons, l.checks_passed, l.checks_failed,
       coalesce(l.message, CASE WHEN l.file IS NULL THEN 'never loaded' END) AS message,
       l.loaded_at, g.last_good_load
FROM (SELECT unnest($files::VARCHAR[]) AS file) AS c
CROSS JOIN districts AS d
LEFT JOIN latest AS l ON l.file = c.file AND l.district IS NOT DISTINCT FROM d.district
LEFT JOIN good AS g ON g.file = c.file AND g.district IS NOT DISTINCT FROM d.district
ORDER BY district_name, d.district, c.file
