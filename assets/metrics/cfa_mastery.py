"""mart.cfa_mastery: common formative assessment mastery by classroom, assessment and standard.

The classroom data center (where PLCs look at their CFA data) shows mastery by standard for a PLC
or a classroom; summing this small mart's rows is fast at any district size, where reading the
CFA results themselves would scan every student's rows. A student counts once per assessment and
standard, with their latest result (sql/cfa_latest.sql), in the classroom of that result.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"
LATEST_SQL = (SQL_DIR / "cfa_latest.sql").read_text(encoding="utf-8")

MART_SQL = """
CREATE OR REPLACE TABLE mart.cfa_mastery AS
""" + LATEST_SQL + """
SELECT l.school_year, l.section_id, coalesce(l.plc_id, s.plc_id) AS plc_id, s.school_id, l.cfa_id,
       any_value(l.cfa_title) AS cfa_title, l.standard_code, max(l.administered_date) AS administered_date,
       count(*)::BIGINT AS students, count(*) FILTER (WHERE l.mastered)::BIGINT AS mastered
FROM latest AS l
LEFT JOIN staging.sections AS s ON s.section_id = l.section_id AND s.school_year = l.school_year
GROUP BY ALL
ORDER BY l.school_year, l.section_id, l.cfa_id, l.standard_code
"""


def build_cfa_mastery(con: duckdb.DuckDBPyConnection) -> int:
    """Create mart.cfa_mastery from staging.cfa_results and staging.sections; return its rows."""
    con.execute("CREATE SCHEMA IF NOT EXISTS mart")
    con.execute(MART_SQL, {"sections": None, "year": None, "student": None})
    return con.execute("SELECT count(*) FROM mart.cfa_mastery").fetchone()[0]
