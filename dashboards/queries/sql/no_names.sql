-- The `names` CTE of names.sql for a warehouse whose students.csv has no name columns: every
-- name is NULL (the pages show the id alone).
, names AS (
    SELECT NULL::INTEGER AS school_year, NULL::VARCHAR AS student_id, NULL::VARCHAR AS first_name,
           NULL::VARCHAR AS last_name
    WHERE false
)
