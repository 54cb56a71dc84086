"""The warehouse file and its build-then-swap protocol.

A load never writes the published file. It copies it to a private build file, writes there, and
replaces the published file with one atomic rename at the end. So a reader holding a read-only
connection keeps reading the previous complete load (it holds the old inode), and a load killed
half way leaves the published file untouched; the next load removes the dead build file.
One load at a time: an exclusive lock file guards the build.
The warehouse holds student data: every file a build creates (the copy, DuckDB's write-ahead log
and spill files, the lock) is readable by its owner only (umask 077 while the build is open), so
the published file is 0600.
"""
from __future__ import annotations

import fcntl
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from data_contracts.row_rules import literal, quote

SCHEMAS = ("raw", "quarantine", "staging", "mart", "ingest_work")
MEMORY_LIMIT = os.environ.get("ALIGNBOARD_MEMORY_LIMIT", "4GB")
# How much disk DuckDB may spill to beside the build file; unset: DuckDB's default (90% of free space).
TEMP_LIMIT = os.environ.get("ALIGNBOARD_TEMP_LIMIT")
FILE_HEADERS = 3 * 4096  # a DuckDB file starts with its main header and two database headers

SETUP_SQL = """
CREATE OR REPLACE MACRO school_year_of(d) AS year(d) + CASE WHEN month(d) >= 7 THEN 1 ELSE 0 END;
"""


class LoadInProgress(RuntimeError):
    """Another load holds the warehouse lock."""


class WarehouseError(RuntimeError):
    """The warehouse file cannot be opened (not a DuckDB file, no permission): one line naming it."""


class WarehouseDamaged(WarehouseError):
    """The published warehouse file cannot be opened (truncated, overwritten)."""


class NotPublished(RuntimeError):
    """The load finished but its build was thrown away; str(exc) says why."""


def resolved(path: str | Path) -> str:
    return str(Path(path).resolve())


def existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every table and view as 'schema.name'."""
    rows = con.execute("SELECT table_schema || '.' || table_name FROM information_schema.tables").fetchall()
    return {name for (name,) in rows}


# Data versions live on the tables themselves (DuckDB table comments), so a table and the version
# of what it was built from are published together, and CREATE OR REPLACE clears a stale one.
def data_version(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    """The data version stamped on `schema.name` (a table or view), or None if it has none."""
    schema, name = table.split(".", 1)
    row = con.execute(
        """SELECT comment FROM duckdb_tables() WHERE schema_name = $s AND table_name = $n
           UNION ALL
           SELECT comment FROM duckdb_views() WHERE schema_name = $s AND view_name = $n AND NOT internal""",
        {"s": schema, "n": name},
    ).fetchone()
    return row[0] if row and row[0] else None


def stamp_data_version(con: duckdb.DuckDBPyConnection, table: str, version: str) -> None:
    """Record the data version of `schema.name` (COMMENT ON takes no parameters: quoted literal)."""
    schema, name = table.split(".", 1)
    kind = con.execute(
        "SELECT CASE WHEN count(*) > 0 THEN 'VIEW' ELSE 'TABLE' END FROM duckdb_views() "
        "WHERE schema_name = $s AND view_name = $n AND NOT internal",
        {"s": schema, "n": name},
    ).fetchone()[0]
    con.execute(f"COMMENT ON {kind} {quote(schema)}.{quote(name)} IS {literal(version)}")


def default_path() -> str:
    return os.environ.get("ALIGNBOARD_WAREHOUSE", "data/warehouse.duckdb")


def open_read_only(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A short-lived read-only connection to the published warehouse (for the CLI and dashboard)."""
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot read the warehouse {path}: {str(exc).strip().splitlines()[0]}") from None


def check_readable(path: str | Path) -> None:
    """Raise WarehouseError unless the warehouse opens and its catalog reads."""
    with open_read_only(path) as con:
        try:
            con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot read the warehouse {path}: {str(exc).strip().splitlines()[0]}") from None


@dataclass
class Build:
    published: Path
    build: Path
    lock_fd: int
    connection: duckdb.DuckDBPyConnection
    umask: int  # the process's umask before the build, restored when it ends


_active: dict[str, Build] = {}


def _key(path: str | Path) -> str:
    return str(Path(path).resolve())


def begin_build(path: str | Path, run_id: str) -> Build:
    """Lock the warehouse, clear dead builds, and open a build copy of the published file."""
    published = Path(path)
    published.parent.mkdir(parents=True, exist_ok=True)
    lock_fd = os.open(f"{published}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock_fd)
        raise LoadInProgress(f"another load is writing {published} (lock {published}.lock)") from None
    build = published.with_name(f"{published.name}.build-{run_id}")
    umask = os.umask(0o077)
    try:
        con = _open_build(published, build)
    except BaseException:
        shutil.rmtree(f"{build}.tmp", ignore_errors=True)
        build.unlink(missing_ok=True)
        os.umask(umask)
        os.close(lock_fd)
        raise
    active = Build(published=published, build=build, lock_fd=lock_fd, connection=con, umask=umask)
    _active[_key(published)] = active
    return active


def _open_build(published: Path, build: Path) -> duckdb.DuckDBPyConnection:
    """Clear dead builds (we hold the lock, so nobody uses them) and open a copy of the published file."""
    for dead in published.parent.glob(f"{published.name}.build-*"):
        shutil.rmtree(dead) if dead.is_dir() else dead.unlink()
    try:
        if published.exists():
            shutil.copyfile(published, build)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot copy {published} to its build file: {exc.strerror}") from None
    try:
        con = duckdb.connect(str(build))
        # a truncated file may still open: its header says how many blocks it holds. Counted are
        # the used ones only: a checkpoint cuts free blocks off the end of the file.
        block_size, blocks = con.execute(
            "SELECT block_size, used_blocks FROM pragma_database_size() WHERE database_name = current_database()"
        ).fetchone()
    except duckdb.Error as exc:
        raise _damaged(published, str(exc).strip().splitlines()[0][:200]) from None
    expected = FILE_HEADERS + block_size * blocks
    if published.exists() and build.stat().st_size < expected:
        con.close()
        raise _damaged(published, f"{build.stat().st_size:,} bytes where its header says {expected:,}")
    con.execute(f"SET memory_limit = {literal(MEMORY_LIMIT)}")
    con.execute(f"SET temp_directory = '{build}.tmp'")
    if TEMP_LIMIT:
        con.execute(f"SET max_temp_directory_size = {literal(TEMP_LIMIT)}")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")
    for schema in SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(SETUP_SQL)
    return con


def _damaged(published: Path, reason: str) -> WarehouseDamaged:
    return WarehouseDamaged(
        f"{published} cannot be opened as a DuckDB warehouse ({reason}); move it aside "
        f"(`mv {published} {published}.damaged`) or restore a backup, then load again"
    )


def connect_build(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A cursor on the build file of the load in progress for this warehouse."""
    active = _active.get(_key(path))
    if active is None:
        raise RuntimeError(f"no load in progress for {path}: call begin_build first")
    return active.connection.cursor()


def finish_build(path: str | Path, publish: bool) -> None:
    """Publish the build (atomic rename) or throw it away, then release the lock."""
    active = _active.pop(_key(path))
    try:
        if publish:
            active.connection.execute("DROP SCHEMA IF EXISTS ingest_work CASCADE")
            active.connection.execute("CHECKPOINT")
        active.connection.close()
        if publish:
            with open(active.build, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(active.build, active.published)
        else:
            active.build.unlink(missing_ok=True)
        shutil.rmtree(f"{active.build}.tmp", ignore_errors=True)
    finally:
        os.umask(active.umask)
        os.close(active.lock_fd)
