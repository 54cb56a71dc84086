"""Read-only connections to the published warehouse, shared by the threads of a server.

DuckDB allows one writer per file, and a load publishes a new file under the same name with one
atomic rename. So every reader attaches the file read-only, one connection per file and version:
the next query after a load sees a new version and opens the new file, while queries still on the
old connection finish on the old file. Opening a file and listing its tables costs tens of
milliseconds; a cursor on an open connection well under one.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from assets.warehouse import default_path, existing_tables
from dashboards.queries.access import DataError
from dashboards.queries.sqlfiles import read

STATE_MARK = "mart.state_districts"  # a state warehouse's own table (assets/state/rollup.py)
_CONNECTIONS: dict[str, tuple[tuple[int, int], duckdb.DuckDBPyConnection, set[str]]] = {}
_LOCK = threading.Lock()


def path_of(warehouse: str | Path | None) -> Path:
    """The warehouse file: the one given, else $ALIGNBOARD_WAREHOUSE or data/warehouse.duckdb."""
    return Path(warehouse if warehouse is not None else default_path())


def warehouse_version(warehouse: str | Path | None = None) -> tuple[int, int]:
    """Changes whenever a load publishes a new file: the caches' key."""
    stat = os.stat(path_of(warehouse))
    return stat.st_mtime_ns, stat.st_size


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    """The file attached read-only to a private in-memory database, with the query layer's macros.
    duckdb.connect(path) would hand back the instance already open on that path in this process,
    i.e. the previous load's file for as long as any query still holds it."""
    con = duckdb.connect(":memory:")
    con.execute("ATTACH $path AS warehouse (READ_ONLY)", {"path": str(path)})
    con.execute(read("macros.sql"))
    return con


def _shared(path: Path) -> tuple[duckdb.DuckDBPyConnection, set[str]]:
    key = str(path.resolve())
    version = warehouse_version(path)
    with _LOCK:
        entry = _CONNECTIONS.get(key)
        if entry is None or entry[0] != version:
            con = _open(path)
            con.execute("USE warehouse")
            entry = (version, con, existing_tables(con))
            _CONNECTIONS[key] = entry  # the old one closes when its last query ends
        cursor = entry[1].cursor()
    cursor.execute("USE warehouse")
    cursor.execute("SET search_path = 'warehouse.main,memory.main'")  # the macros of sql/macros.sql
    # a missing table is an error, never a Python variable of the same name
    cursor.execute("SET python_enable_replacements = false")
    return cursor, entry[2]


@contextmanager
def connect(warehouse: str | Path | None, *tables: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the published warehouse; DataError (one line) when the file or one of `tables`
    is missing or the file cannot be opened."""
    path = path_of(warehouse)
    if not path.is_file():
        raise DataError(f"warehouse not found: {path} (run `alignboard load` first)")
    try:
        con, present = _shared(path)
    except (duckdb.Error, OSError) as error:
        raise DataError(f"cannot open warehouse {path}: {str(error).splitlines()[0]}") from None
    try:
        for table in tables:
            if table not in present and STATE_MARK in present:
                raise DataError(f"{path} is a state warehouse, which keeps its districts' marts: {table} stays in "
                                f"each district's warehouse ({path.parent / 'districts'}/ID.duckdb); serve one of "
                                "those to see it")
            if table not in present:
                raise DataError(f"the warehouse {path} has no {table}; load and build the marts first")
        yield con
    finally:
        con.close()


def is_state(warehouse: str | Path | None) -> bool:
    """Whether the warehouse is a state's (`alignboard state load`): its districts' marts and the
    state's own rows, without their students' rows, so nothing is computed on request."""
    with connect(warehouse) as con:
        return has_table(con, STATE_MARK)


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the warehouse has this table or view (staging tables are views)."""
    schema, name = table.split(".", 1)
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_catalog = 'warehouse' "
                       "AND table_schema = $s AND table_name = $n", {"s": schema, "n": name}).fetchall()[0][0] > 0
