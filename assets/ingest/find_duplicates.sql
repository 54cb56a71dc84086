-- Among rows that passed every row rule, find rows sharing the file's key.
-- Copies with different content are all quarantined (we cannot know which is right);
-- exact copies keep their first line and quarantine the rest.
-- Keys are grouped by their hash first (one integer, fast), over every row: the few rows that
-- break a rule are left out only afterwards, from the few rows whose key hash repeats. Only
-- those rows are hashed whole and compared; a row left alone in its real-key window (a hash
-- collision, or a copy that broke a rule) gets no reason.
-- Identifiers, filled by sqltext.fill: {{typed}} (every row typed, with _row and _line),
-- {{broken}} (rows that break a rule), {{key}} (comma-separated quoted key columns),
-- {{content}} (every loaded column).
WITH repeated_hashes AS (
    SELECT hash({{key}}) AS key_hash FROM {{typed}}
    GROUP BY key_hash HAVING count(*) > 1
),
repeated AS (
    SELECT _row, _line, {{key}}, hash({{content}}) AS content_hash FROM {{typed}}
    WHERE hash({{key}}) IN (SELECT key_hash FROM repeated_hashes)
      AND _row NOT IN (SELECT _row FROM {{broken}})
)
SELECT _row, _line, {{key}},
    CASE
        WHEN min(content_hash) OVER same_key <> max(content_hash) OVER same_key THEN 'duplicate_key'
        WHEN row_number() OVER (same_key ORDER BY _line) > 1 THEN 'duplicate_row'
    END AS reason
FROM repeated
WINDOW same_key AS (PARTITION BY {{key}})
