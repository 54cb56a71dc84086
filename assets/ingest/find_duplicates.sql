-- Among rows that passed every row rule, find rows sharing the file's key.
-- Copies with different content are all quarantined (we cannot know which is right);
-- exact copies keep their first line and quarantine the rest.
-- Keys are grouped by their hash first (one integer, fast), and only rows whose key hash
-- repeats are hashed whole and compared; rows whose hashes collide without sharing the key
-- stay alone in their real-key window and get no reason.
-- Placeholders: {valid} (the typed valid rows, with _row and _line), {key} (comma-separated
-- quoted key columns), {content} (every loaded column).
WITH repeated_hashes AS (
    SELECT hash({key}) AS key_hash FROM {valid}
    GROUP BY key_hash HAVING count(*) > 1
),
repeated AS (
    SELECT _row, _line, {key}, hash({content}) AS content_hash FROM {valid}
    WHERE hash({key}) IN (SELECT key_hash FROM repeated_hashes)
)
SELECT _row, _line, {key},
    CASE
        WHEN min(content_hash) OVER same_key <> max(content_hash) OVER same_key THEN 'duplicate_key'
        WHEN row_number() OVER (same_key ORDER BY _line) > 1 THEN 'duplicate_row'
    END AS reason
FROM repeated
WINDOW same_key AS (PARTITION BY {key})
