"""The state's significant-disproportionality determinations, read from a state warehouse."""
from __future__ import annotations

from pathlib import Path

import duckdb

SQL = (Path(__file__).parent / "determinations.sql").read_text(encoding="utf-8")


def determinations(con: duckdb.DuckDBPyConnection, year: int | None = None) -> tuple[int | None, list[dict], int]:
    """(school year, its flagged district rows, number of districts); the latest year by default."""
    if year is None:
        year = con.execute("SELECT max(school_year) FROM mart.disparity WHERE lea_level = 'district'").fetchone()[0]
    districts = con.execute(
        "SELECT count(DISTINCT lea_id) FROM mart.disparity WHERE lea_level = 'district' AND school_year = ?",
        [year]).fetchone()[0]
    if year is None or not districts:
        return None, [], 0
    cursor = con.execute(SQL, {"year": year})
    names = [d[0] for d in cursor.description]
    return year, [dict(zip(names, row)) for row in cursor.fetchall()], districts
