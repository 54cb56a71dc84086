-- Among rows that passed every row rule, find rows sharing the file's key.
-- Copies with different content are all quarantined (we cannot know which is right);
-- exact copies keep their first line and quarantine the rest.
-- Placeholders: {checked}, {key} (comma-separated quoted key columns), {content} (every loaded column).
WITH valid AS (
    SELECT _line, {key}, hash({content}) AS content_hash
    FROM {checked}
    WHERE len(_reasons) = 0
),
repeated_keys AS (
    SELECT {key} FROM valid GROUP BY ALL HAVING count(*) > 1
),
repeated AS (
    SELECT valid.* FROM valid SEMI JOIN repeated_keys USING ({key})
)
SELECT _line,
    CASE
        WHEN min(content_hash) OVER same_key <> max(content_hash) OVER same_key THEN 'duplicate_key'
        WHEN row_number() OVER (same_key ORDER BY _line) > 1 THEN 'duplicate_row'
    END AS reason
FROM repeated
WINDOW same_key AS (PARTITION BY {key})
