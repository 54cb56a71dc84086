"""How many valid rows a file may gain or lose against its baseline, and acceptances.

The baseline is the last *accepted* load of the file (status `loaded` or `loaded_with_warnings`), per school year when the
file has one (a `school_year` column, or one derived from a date), so that:
- the measure is symmetric (larger over smaller): a drop and the recovery from it are judged
  alike, so a partial file that passed cannot reject the complete one the next night;
- a school year new to the file (rollover) is not a shrink of the year before, and a year the
  file no longer carries (a current-year-only export) is not compared;
- a change of at most `row_change_floor` rows always passes (1 department becoming 2 is fine).
A person can accept an intended change (`alignboard accept FILE --reason ...`): the next load
of that file skips the row-count and freshness comparisons once and records who and why.
"""
from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb

from assets.warehouse import existing_tables
from data_contracts.contract import Contract

# Statuses of a load whose rows were promoted: the baseline of the next load's comparisons
LOADED = ("loaded", "loaded_with_warnings")
WHOLE_FILE = "all"  # the key of rows_by_year for a file without a school year


@dataclass(frozen=True)
class Change:
    year: str  # a school year, or WHOLE_FILE
    rows: int
    baseline_rows: int

    @property
    def ratio(self) -> float:
        """Larger over smaller; a year that went to or came from nothing counts as from 1 row."""
        return max(self.rows, self.baseline_rows) / max(min(self.rows, self.baseline_rows), 1)


def year_column(contract: Contract) -> str | None:
    if "school_year" in contract.column_names or "school_year" in contract.derived:
        return "school_year"
    return None


def rows_by_year(con: duckdb.DuckDBPyConnection, contract: Contract, valid_rows: str) -> dict[str, int]:
    """Valid rows per school year (`valid_rows` is a subquery of typed valid rows)."""
    if year_column(contract) is None:
        return {WHOLE_FILE: con.execute(f"SELECT count(*) FROM {valid_rows}").fetchone()[0]}
    rows = con.execute(f"SELECT school_year::VARCHAR, count(*) FROM {valid_rows} GROUP BY ALL").fetchall()
    return {str(year): n for year, n in rows}


def last_accepted(con: duckdb.DuckDBPyConnection, file: str) -> dict[str, int] | None:
    """Valid rows per school year of the file's last accepted load; None before its first."""
    if "mart.data_quality" not in existing_tables(con):
        return None  # the first load
    cursor = con.execute(
        """SELECT * FROM mart.data_quality
           WHERE file = ? AND list_contains(?, status) ORDER BY loaded_at DESC LIMIT 1""",
        [file, list(LOADED)],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    row = dict(zip([d[0] for d in cursor.description], row))
    if row.get("rows_by_year") is None:  # a load recorded before per-year baselines: its whole-file count
        return {WHOLE_FILE: row["rows_loaded"]}
    return {k: int(v) for k, v in json.loads(row["rows_by_year"]).items()}


def largest_change(contract: Contract, current: dict[str, int], baseline: dict[str, int] | None) -> Change | None:
    """The largest change beyond the floor among the years both loads have; None if there is none."""
    if not baseline:
        return None
    if set(baseline) == {WHOLE_FILE} or set(current) == {WHOLE_FILE}:
        pairs = [(WHOLE_FILE, sum(current.values()), sum(baseline.values()))]
    else:
        pairs = [(year, current[year], baseline[year]) for year in sorted(current) if year in baseline]
    changes = [Change(y, n, b) for y, n, b in pairs if abs(n - b) > contract.row_change_floor]
    return max(changes, key=lambda c: c.ratio, default=None)


def change_message(contract: Contract, profile: dict) -> str:
    year, baseline = profile.get("baseline_year"), profile["baseline_rows"]
    rows = profile["rows_loaded"] if year == WHOLE_FILE else profile["rows_by_year"][year]
    where = f" for school year {year}" if year and year != WHOLE_FILE else ""
    percent = (rows - baseline) / baseline if baseline else float("inf")
    return (
        f"{rows:,} valid rows{where} against {baseline:,} in the last accepted load ({percent:+.0%}; "
        f"allowed {1 + contract.max_row_change:g}x either way or ±{contract.row_change_floor} rows)"
    )


def accept_hint(source_name: str) -> str:
    return f"if the change is intended, run `alignboard accept {source_name} --reason TEXT` and load again"


# --- acceptances ---------------------------------------------------------------------------


def who() -> str:
    return os.environ.get("USER") or getpass.getuser()


def record_acceptance(con: duckdb.DuckDBPyConnection, file: str, reason: str | None, by: str) -> None:
    con.execute(
        "INSERT INTO mart.acceptances VALUES (?, ?, ?, ?, NULL, NULL)",
        [file, by, reason, datetime.now(timezone.utc)],
    )


def pending_acceptance(con: duckdb.DuckDBPyConnection, file: str) -> tuple[str, str | None] | None:
    """(who, why) of the latest acceptance not yet applied by a load of the file."""
    if "mart.acceptances" not in existing_tables(con):
        return None  # nobody ever accepted a change
    return con.execute(
        """SELECT accepted_by, reason FROM mart.acceptances WHERE file = ? AND applied_run_id IS NULL
           ORDER BY requested_at DESC LIMIT 1""",
        [file],
    ).fetchone()


def mark_applied(con: duckdb.DuckDBPyConnection, file: str, run_id: str) -> None:
    con.execute(
        "UPDATE mart.acceptances SET applied_run_id = ?, applied_at = ? WHERE file = ? AND applied_run_id IS NULL",
        [run_id, datetime.now(timezone.utc), file],
    )
