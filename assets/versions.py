"""Data and code versions: short hashes that change exactly when what they describe changes.

A table's data version is a hash of what it was built from (a landing file's sha256 and its
contract, or the data versions of the tables it read) and of the code that built it. It is
stamped on the table (assets/warehouse.py: a DuckDB table comment), so a nightly reload compares
it with the version it would build now and skips the work when they are equal. A table built
from an input without a version (not stamped yet) gets a fresh version, so what is below it is
rebuilt too.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb

from assets.warehouse import data_version, stamp_data_version


def version_of(*parts: object) -> str:
    """A short stable hash of JSON-able parts, in order."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def code_version(*paths: Path) -> str:
    """The version of the code in these files (SQL, Python, YAML): any edit gives a new one."""
    return version_of(*(hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(paths)))


def fresh_version() -> str:
    """A version no build had before: for a table built from an input without a version."""
    return uuid.uuid4().hex[:16]


def derived_version(con: duckdb.DuckDBPyConnection, inputs: list[str] | set[str], code: str,
                    *settings: object) -> str | None:
    """The version a table built from `inputs` by `code` (with `settings`) has, or None when an
    input has no version (then the table must be rebuilt)."""
    versions = {table: data_version(con, table) for table in sorted(inputs)}
    if any(version is None for version in versions.values()):
        return None
    return version_of(versions, code, *settings)


def is_current(con: duckdb.DuckDBPyConnection, tables: list[str], version: str | None) -> bool:
    """True when every table carries `version` (so rebuilding them would change nothing)."""
    return version is not None and all(data_version(con, table) == version for table in tables)


def stamp(con: duckdb.DuckDBPyConnection, tables: list[str], version: str) -> None:
    for table in tables:
        stamp_data_version(con, table, version)


@dataclass(frozen=True)
class Update:
    version: str  # the data version the outputs now carry
    rebuilt: bool  # False: the inputs and code were unchanged, nothing was done


def rebuild_if_changed(con: duckdb.DuckDBPyConnection, outputs: list[str], inputs: list[str] | set[str],
                       code: str, build: Callable[[], object], *settings: object) -> Update:
    """Run `build` (which writes `outputs`) unless they already carry the version that `inputs`,
    `code` and `settings` give; then stamp that version on them."""
    version = derived_version(con, inputs, code, *settings)
    if is_current(con, outputs, version):
        return Update(version, rebuilt=False)
    build()
    version = version or fresh_version()
    stamp(con, outputs, version)
    return Update(version, rebuilt=True)
