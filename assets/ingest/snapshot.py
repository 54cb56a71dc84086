"""Keep every foreign key of the published warehouse resolving.

A file's new rows are checked against the files they reference (orphans are quarantined), and
files load in dependency order, so new data always resolves. What could break is the other
direction: a new version of a referenced file (schools) that drops a key which data kept from
an earlier load (students) still points at. Two rules keep the published warehouse whole:

1. A new version that drops keys used by a dependent file with no new file tonight (its data
   is certainly kept) is rejected, with the reason; its last good version stays.
2. A dependent file with a new file tonight is re-checked against the new version by its own
   load. If that file is then rejected too, its kept rows may point at a dropped key: the load
   is then not published at all (the warehouse stays as it was) and says why.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from assets.ingest.baseline import LOADED
from assets.ingest.landing import locate
from assets.warehouse import existing_tables
from data_contracts.contract import Contract, ForeignKey, load_contracts
from data_contracts.row_rules import quote


def _dependants(contract_file: str):
    for dependant in load_contracts().values():
        for fk in dependant.foreign_keys:
            if fk.references == contract_file and dependant.file != contract_file:
                yield dependant, fk


def _unresolved(con, dependant: str, fk: ForeignKey, keys: str) -> tuple[int, str | None]:
    """Rows of raw.<dependant> whose key is in `keys` (a subquery): count and the first key."""
    match = " AND ".join(f"k.{quote(c)} = d.{quote(c)}" for c in fk.columns)
    present = " AND ".join(f"d.{quote(c)} IS NOT NULL" for c in fk.columns)
    first_key = " || '/' || ".join(f"d.{quote(c)}::VARCHAR" for c in fk.columns)
    return con.execute(
        f"SELECT count(*), min({first_key}) FROM raw.{quote(dependant)} AS d JOIN {keys} AS k ON {match} "
        f"WHERE {present}"
    ).fetchone()


def dropped_references(
    con: duckdb.DuckDBPyConnection, contract: Contract, valid_rows: str, landing_dir: Path
) -> tuple[int, str | None]:
    """Rule 1: kept rows of dependent files without a new file tonight whose key this version
    drops; and a phrase naming the first such key. `valid_rows` is a subquery of the new rows."""
    tables = existing_tables(con)
    if f"staging.{contract.file}" not in tables:
        return 0, None
    total, detail = 0, None
    for dependant, fk in _dependants(contract.file):
        if f"raw.{dependant.file}" not in tables or locate(landing_dir, dependant.file) is not None:
            continue
        columns = ", ".join(quote(c) for c in fk.columns)
        dropped = (
            f"(SELECT DISTINCT {columns} FROM staging.{quote(contract.file)} "
            f"EXCEPT SELECT DISTINCT {columns} FROM {valid_rows})"
        )
        count, example = _unresolved(con, dependant.file, fk, dropped)
        if count and detail is None:
            detail = f"{'/'.join(fk.columns)} {example} is still used by {dependant.file}"
        total += count
    return total, detail


def dropped_message(profile: dict) -> str:
    return (
        f"drops keys still used by {profile['dropped_references']:,} kept rows of other files "
        f"({profile['dropped_detail']}); every foreign key must keep resolving"
    )


def unresolved_after_load(con: duckdb.DuckDBPyConnection, run_id: str) -> str | None:
    """Rule 2, before publishing: a file not loaded by this run (rejected, missing) whose kept
    rows point at a key that a file loaded by this run dropped. One line, or None if none."""
    tables = existing_tables(con)
    if "mart.data_quality" not in tables:
        return None
    loaded = {f for (f,) in con.execute(
        "SELECT file FROM mart.data_quality WHERE run_id = ? AND list_contains(?, status)",
        [run_id, list(LOADED)]).fetchall()}
    for referenced in sorted(loaded):
        for dependant, fk in _dependants(referenced):
            if dependant.file in loaded or f"raw.{dependant.file}" not in tables:
                continue
            if f"staging.{referenced}" not in tables:
                continue
            columns = ", ".join(quote(c) for c in fk.columns)
            missing = (
                f"(SELECT DISTINCT {columns} FROM raw.{quote(dependant.file)} "
                f"EXCEPT SELECT DISTINCT {columns} FROM staging.{quote(referenced)})"
            )
            count, example = _unresolved(con, dependant.file, fk, missing)
            if count:
                return (
                    f"load not published: {count:,} kept rows of {dependant.file} point at "
                    f"{'/'.join(fk.columns)} {example}, which the new {referenced} file dropped; "
                    f"the warehouse stays as it was (fix {referenced} or {dependant.file} and load again)"
                )
    return None
