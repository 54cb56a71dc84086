-- Every quarantined row of one file: its line, all its reasons, and its original text.
-- Placeholders: {file}, {checked}, {duplicates}, {lines}, {original} (quoted header columns),
-- {rejects} (unparseable CSV lines), {blank_original} (NULL for each header column).
WITH reasons AS (
    SELECT _line, _reasons AS reasons FROM {checked} WHERE len(_reasons) > 0
    UNION ALL
    SELECT _line, [reason] FROM {duplicates} WHERE reason IS NOT NULL
)
SELECT '{file}' AS file, _line AS line_number, reasons, NULL::VARCHAR AS raw_line, {original}
FROM reasons JOIN {lines} USING (_line)
UNION ALL
SELECT '{file}', _line, ['malformed_row:' || lower(replace(error_type, ' ', '_'))], raw_line, {blank_original}
FROM {rejects}
