"""mart.metric_cells: the cells of mart.metric_values for the organisation's entities (no student
rows), with their n and their scorecard status, sorted by entity.

The dashboard reads one entity at a time (a scorecard, a metric's groups, its children). On
mart.metric_values, sorted by metric for the exports, each such read scans every cell (about
100-200 ms at 200,000 students); sorted by entity, DuckDB's min/max index per row group skips
all but a few (a few ms). The status of every student group's cell is computed here with the
scorecard's own rule (the scorecard_status macro of sql/scorecard_status.sql) and the target of its
scorecard row, so the dashboard reads statuses and never re-derives them.
"""
from __future__ import annotations

import duckdb

# The cells with their n and status; the dashboard reads this query in place of the table on a
# warehouse built before mart.metric_cells existed (slower: unsorted).
CELLS_SELECT = """
SELECT v.level, v.entity_id, v.student_group, v.metric_id, v.metric_version, v.school_year, v.period,
       v.numerator, v.denominator, v.value, c.n, v.suppressed, v.suppression_reason, v.value_range,
       CASE WHEN s.metric_id IS NOT NULL THEN scorecard_status(v.value, s.target, s.direction, s.near_band)
       END AS status
FROM mart.metric_values AS v
LEFT JOIN mart.metric_value_counts AS c
  USING (metric_id, metric_version, school_year, period, level, entity_id, student_group)
LEFT JOIN mart.scorecard AS s
  ON v.period = 'year' AND s.school_year = v.school_year AND s.level = v.level
 AND s.entity_id = v.entity_id AND s.metric_id = v.metric_id
WHERE v.level <> 'student'
"""
CELLS_SQL = ("CREATE OR REPLACE TABLE mart.metric_cells AS" + CELLS_SELECT
             + "ORDER BY v.level, v.entity_id, v.student_group, v.metric_id, v.school_year, v.period\n")


def build_metric_cells(con: duckdb.DuckDBPyConnection) -> int:
    """Create mart.metric_cells from mart.metric_values, mart.metric_value_counts and
    mart.scorecard (its targets and the scorecard_status macro)."""
    con.execute(CELLS_SQL)
    return con.execute("SELECT count(*) FROM mart.metric_cells").fetchone()[0]
