-- The quarantined rows of one file, in file order: the line in the file as received (header =
-- line 1), every reason, then the row's original text (raw_line for a line that did not parse).
-- Value: $reason (NULL for every row; a reason code such as `unknown_code:status`, or its kind
-- such as `unknown_code`). Identifier, filled by sqltext.fill: {{table}}.
SELECT line_number AS line, array_to_string(reasons, '; ') AS reasons,
       * EXCLUDE (file, line_number, reasons, raw_line), raw_line
FROM {{table}}
WHERE $reason IS NULL OR len(list_filter(reasons, lambda r: r = $reason OR starts_with(r, $reason || ':'))) > 0
ORDER BY line_number
