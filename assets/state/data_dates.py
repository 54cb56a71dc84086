"""The newest data date of each school year across the districts: what the dashboard says a
state's values are as of. A district's warehouse reads it from its dated staging rows (the
contracts' freshness columns, assets/metrics/periods.py), which the state warehouse does not hold."""
from __future__ import annotations

import datetime as dt

import duckdb

from assets.metrics import periods as metric_periods
from data_contracts.row_rules import quote

TABLE_SQL = "CREATE TABLE mart.data_dates (school_year INTEGER, data_through DATE)"


def district_data_dates(con: duckdb.DuckDBPyConnection, alias: str, as_of: dt.date) -> list[tuple[int, dt.date]]:
    """(school year, its newest dated row on or before `as_of`) of the warehouse attached as `alias`."""
    columns = set(con.execute("SELECT schema_name || '.' || table_name, column_name FROM duckdb_columns() "
                              "WHERE database_name = $db", {"db": alias}).fetchall())
    dated = [(table, column) for table, column in metric_periods.dated_columns({t for t, _ in columns})
             if (table, column) in columns]
    parts = [f"SELECT max(CAST({quote(column)} AS DATE)) AS day FROM {quote(alias)}.{table} "
             f"WHERE {quote(column)} <= $as_of GROUP BY year({quote(column)}) + (month({quote(column)}) >= 7)::INTEGER"
             for table, column in dated]
    if not parts:
        return []
    return con.execute(
        f"SELECT year(day) + (month(day) >= 7)::INTEGER AS school_year, max(day) FROM ({' UNION ALL '.join(parts)}) "
        "GROUP BY ALL ORDER BY 1", {"as_of": as_of}).fetchall()


def write_data_dates(con: duckdb.DuckDBPyConnection, dates: list[tuple[int, dt.date]]) -> None:
    """mart.data_dates: each school year's newest date of every district's."""
    newest: dict[int, dt.date] = {}
    for year, day in dates:
        newest[year] = max(day, newest.get(year, day))
    con.execute(TABLE_SQL)
    if newest:
        con.executemany("INSERT INTO mart.data_dates VALUES (?, ?)", sorted(newest.items()))
