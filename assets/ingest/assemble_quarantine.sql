-- Every quarantined row of one file: its line, all its reasons, and its original text.
-- Value: $file (the contract's name). Identifiers, filled by sqltext.fill: {{broken}} (rows
-- that break a rule), {{duplicates}} (valid rows whose key repeats), {{lines}} (the file's text
-- by row), {{original}} (quoted header columns), {{rejects}} (unparseable CSV lines),
-- {{blank_original}} (NULL for each header column).
WITH reasons AS (
    SELECT _row, _line, _reasons AS reasons FROM {{broken}}
    UNION ALL
    SELECT _row, _line, [reason] FROM {{duplicates}} WHERE reason IS NOT NULL
)
SELECT $file AS file, reasons._line AS line_number, reasons, NULL::VARCHAR AS raw_line, {{original}}
FROM reasons JOIN {{lines}} USING (_row)
UNION ALL
SELECT $file, _line, ['malformed_row:' || lower(replace(error_type, ' ', '_'))], raw_line, {{blank_original}}
FROM {{rejects}}
