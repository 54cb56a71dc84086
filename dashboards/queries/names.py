"""Student names: optional columns of students.csv (first_name, last_name), student-level data
shown only by the queries that return student rows."""
from __future__ import annotations

import duckdb

from dashboards.queries.sqlfiles import read


def has_names(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether staging.students carries both name columns (a warehouse loaded from a
    students.csv with names)."""
    found = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_catalog = 'warehouse' "
        "AND table_schema = 'staging' AND table_name = 'students' AND column_name IN ('first_name', 'last_name')"
    ).fetchone()[0]
    return found == 2


def names_sql(con: duckdb.DuckDBPyConnection) -> str:
    """The `names` CTE (', names AS (...)'): the visible students' names, or none when the
    warehouse has no name columns; put it after the query's other CTEs."""
    return "\n" + read("names.sql" if has_names(con) else "no_names.sql")
