"""What a rebuilt-if-changed mart asset returns to Dagster: the data version its tables carry,
their row count, and whether this run rebuilt them (see versions.rebuild_if_changed)."""
import dagster as dg
import duckdb

from assets import versions
from assets.metrics import sqltext


def row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {sqltext.table(table)}").fetchone()[0]


def mart_result(con: duckdb.DuckDBPyConnection, update: versions.Update, table: str, **metadata) -> dg.MaterializeResult:
    return dg.MaterializeResult(data_version=dg.DataVersion(update.version),
                                metadata={"rows": row_count(con, table), "rebuilt": update.rebuilt, **metadata})
