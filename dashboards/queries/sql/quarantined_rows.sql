-- The quarantined rows of one landing file that a viewer with student access may read, behind
-- the viewer's scope (access.Gate puts scope.sql in front). Two fragments, filled by quality.py:
--   rows    the file's rows as `alignboard quarantine` lists them (assets/ingest/
--           quarantined_rows.sql: line, reasons, the columns as received, raw_line), reading $reason;
--   placed  whether a row lies in the scope: every district, department, school, PLC and
--           classroom it names is in `below`, the student it names is in visible_students in the
--           row's school year, and it names one of them at least; `true` for a viewer whose scope
--           is the whole warehouse (Gate.whole), who reads every row, placed or not.
, quarantined AS (
    {{rows}}
)
SELECT * FROM quarantined WHERE {{placed}} ORDER BY line
