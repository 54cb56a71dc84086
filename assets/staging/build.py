"""Build a staging table from its SQL, unless it already holds what the SQL would build now.

A staging table's data version is a hash of its SQL and of the data versions of the tables the
SQL reads; it is stamped on the table, so a reload whose inputs did not change skips it.
Plain functions over a DuckDB connection: no Dagster here.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

from assets.versions import version_of
from assets.warehouse import data_version, existing_tables, stamp_data_version
from data_contracts.contract import Contract
from data_contracts.row_rules import quote

SQL_DIR = Path(__file__).parent


def staging_sql(contract: Contract) -> str:
    """The file's own SQL in assets/staging/<file>.sql, or a view of its contract columns."""
    custom = SQL_DIR / f"{contract.file}.sql"
    if custom.exists():
        return custom.read_text()
    columns = ", ".join(quote(c) for c in contract.column_names + list(contract.derived))
    return f"CREATE OR REPLACE VIEW staging.{quote(contract.file)} AS SELECT {columns} FROM raw.{quote(contract.file)}"


def tables_read(sql: str, table: str) -> list[str]:
    """The raw and staging tables the SQL reads (every `raw.x` / `staging.x` but its own)."""
    names = {f"{schema}.{name}" for schema, name in re.findall(r"\b(raw|staging)\.\"?(\w+)", sql)}
    return sorted(names - {table})


def build(con: duckdb.DuckDBPyConnection, table: str, sql: str) -> tuple[str, bool]:
    """Run the SQL that (re)creates `table` if its inputs or the SQL changed; stamp its version.
    Returns (data version, whether it was rebuilt)."""
    version = version_of(sql, *(f"{t}={data_version(con, t) or ''}" for t in tables_read(sql, table)))
    if table in existing_tables(con) and data_version(con, table) == version:
        return version, False
    con.execute(sql)
    stamp_data_version(con, table, version)
    return version, True
