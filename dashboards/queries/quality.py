"""Data quality: what the latest load did with every landing file, failed checks and runs, and
the banner every page shows when the data is stale or a file was rejected. Load records hold no
student rows, so every signed-in viewer sees them. The quarantined rows themselves are student
rows (ids and values as received): only a viewer with student access reads them, those of their
scope (quarantined_rows)."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd

from assets.ingest.baseline import LOADED
from assets.ingest.quarantine_list import contract_name, rows_sql
from assets.metrics.sqltext import fill
from dashboards.queries.access import DataError, Gate, Viewer
from dashboards.queries.cache import cached
from dashboards.queries.connection import connect, has_table, path_of
from dashboards.queries.exports import csv_text
from dashboards.queries.sqlfiles import read
from data_contracts.contract import Contract, load_contracts
from data_contracts.row_rules import literal, quote, typed_expression

STALE_HOURS = 36.0
# sql/quality.sql's fragments: a state warehouse's load records by district (the viewer's), or
# an ordinary warehouse's (one district, which may not have its organisation yet: a first load
# whose districts.csv was rejected)
BY_DISTRICT = {"district": "district_id",
               "visible": "district_id IN (SELECT entity_id FROM below WHERE level = 'district')",
               "district_name": "(SELECT entity_name FROM staging.org_hierarchy "
                                "WHERE entity_level = 'district' AND entity_id = d.district)"}
ONE_DISTRICT = {"district": "NULL::VARCHAR", "visible": "true", "district_name": "NULL::VARCHAR"}


def _failures_path(warehouse: str | Path | None) -> Path:
    """Failed runs are recorded beside the warehouse (pipelines/run_failures.py writes it)."""
    return Path(f"{path_of(warehouse)}.failures.jsonl")


def _fragments(con, table: str) -> dict:
    """BY_DISTRICT for the load records of a state warehouse (they have a district_id), else ONE_DISTRICT."""
    schema, name = table.split(".")
    by_district = con.execute(
        "SELECT count(*) > 0 FROM information_schema.columns WHERE table_catalog = 'warehouse' "
        "AND table_schema = $s AND table_name = $n AND column_name = 'district_id'", {"s": schema, "n": name}).fetchone()[0]
    return BY_DISTRICT if by_district else ONE_DISTRICT


@cached
def _quality_rows(viewer: Viewer, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    with connect(warehouse, "mart.data_quality") as con:
        sql = fill(read("quality.sql"), _fragments(con, "mart.data_quality"))
        frame = Gate(con, viewer).run(sql, {"files": sorted(load_contracts()), "loaded": list(LOADED)}).df()
    frame["reasons"] = [json.loads(r) if isinstance(r, str) and r else {} for r in frame["reasons"]]
    return frame


def data_quality(viewer: Viewer, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    """The latest load of every landing file of the contracts: district and district_name (a
    state warehouse's districts the viewer may open; None in a district's warehouse), contract
    (the file's name without extension), file, status ('loaded'|'loaded_with_warnings'|'rejected'|'missing'|'unchanged'|'not_run';
    never loaded = missing),
    rows_read, rows_loaded, rows_quarantined, reasons (dict reason -> rows), checks_passed,
    checks_failed, message, loaded_at, last_good_load, age_hours (since the last good load)."""
    frame = _quality_rows(viewer, warehouse=warehouse)
    now = pd.Timestamp.now(tz="UTC")
    frame["age_hours"] = [(now - t).total_seconds() / 3600 if pd.notna(t) else float("nan")
                          for t in frame["last_good_load"]]
    return frame


@cached
def failed_checks(viewer: Viewer, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    """The failed Great Expectations checks of each file's latest validation: file, expectation,
    column_name, observed, validated_at (a state warehouse: district first, the viewer's districts)."""
    with connect(warehouse, "mart.gx_results") as con:
        fragments = _fragments(con, "mart.gx_results")
        frame = Gate(con, viewer).run(fill(
            """, latest AS (
                   SELECT *, {{district}} AS district FROM mart.gx_results WHERE {{visible}}
                   QUALIFY validated_at = max(validated_at) OVER (PARTITION BY {{district}}, file))
               SELECT district, file, expectation, column_name, observed, validated_at
               FROM latest WHERE NOT success
               ORDER BY district, file, expectation""", fragments)).df()
    return frame if fragments is BY_DISTRICT else frame.drop(columns=["district"])


def recent_failures(viewer: Viewer, *, warehouse: str | Path | None = None, limit: int = 5) -> pd.DataFrame:
    """The latest failed runs (run_id, job, message, failed_at), newest last."""
    path = _failures_path(warehouse)
    columns = ["run_id", "job", "message", "failed_at"]
    if not path.is_file():
        return pd.DataFrame(columns=columns)
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line from a killed writer
        if isinstance(entry, dict):
            entries.append({c: entry.get(c) for c in columns})
    return pd.DataFrame(entries[-limit:], columns=columns)


def banner(*, warehouse: str | Path | None = None, max_age_hours: float | None = None) -> str | None:
    """A warning for the top of every page: the data is older than max_age_hours
    (`$ALIGNBOARD_STALE_HOURS`, default 36) or a file was rejected at the last load; None if fine."""
    if max_age_hours is None:
        max_age_hours = float(os.environ.get("ALIGNBOARD_STALE_HOURS", STALE_HOURS))
    try:
        quality = data_quality(Viewer.analyst(False), warehouse=warehouse)
    except DataError as error:
        return str(error)
    messages = []
    rejected = quality[quality.status == "rejected"]
    if not rejected.empty:
        named = [f if pd.isna(d) else f"{f} ({d})" for f, d in zip(rejected.file, rejected.district_name)]
        messages.append("rejected at the last load (showing the last good data): " + ", ".join(named))
    loaded = quality["last_good_load"].dropna()
    if not loaded.empty:
        age = (pd.Timestamp.now(tz="UTC") - loaded.max()).total_seconds() / 3600
        if age > max_age_hours:
            messages.append(f"the data is {age:.0f} hours old (last load {loaded.max():%Y-%m-%d %H:%M} UTC)")
    return "; ".join(messages) or None


# The columns that place a quarantined row in the organisation, and the layer each names.
PLACES = {"district_id": "district", "department_id": "department", "school_id": "school", "plc_id": "plc",
          "section_id": "classroom"}
_DATE_YEAR = re.compile(r"\s*school_year_of\(\s*([a-z_][a-z0-9_]*)\s*\)\s*\Z")


def _named(column: str) -> str:
    return f"nullif(trim({quote(column)}), '')"


def _school_year(contract: Contract, columns: set[str]) -> str | None:
    """SQL of a quarantined row's school year, read as the load reads it (its school_year, or
    the date it is derived from), NULL when unreadable; None for a file without school years."""
    if "school_year" in contract.column_names:
        return typed_expression(contract.column("school_year")) if "school_year" in columns else "NULL"
    derived = contract.derived.get("school_year")
    if derived is None:
        return None
    match = _DATE_YEAR.match(derived)
    if match and match.group(1) in columns:
        return f"school_year_of({typed_expression(contract.column(match.group(1)))})"
    return "NULL"


def placed_sql(contract: Contract, columns: set[str]) -> str:
    """SQL: whether a quarantined row (its `columns` as received) lies in the viewer's scope:
    it names a place (a PLACES column or student_id, not blank) and every place it names is in
    the scope: the entities in `below`, the student in visible_students in the row's school
    year (any year of the scope for a file without one). An unknown id, or a school year that
    cannot be read, is outside every scope but the whole warehouse's."""
    named, inside = [], []
    for column, level in PLACES.items():
        if column in columns:
            value = _named(column)
            named.append(f"{value} IS NOT NULL")
            inside.append(f"coalesce({value} IS NULL OR ({literal(level)}, {value}) IN "
                          "(SELECT level, entity_id FROM below), false)")
    if "student_id" in columns:
        value, year = _named("student_id"), _school_year(contract, columns)
        seen = (f"{value} IN (SELECT student_id FROM visible_students)" if year is None
                else f"({year}, {value}) IN (SELECT school_year, student_id FROM visible_students)")
        named.append(f"{value} IS NOT NULL")
        inside.append(f"coalesce({value} IS NULL OR {seen}, false)")
    if not named:
        return "false"
    return "(" + " OR ".join(named) + ") AND " + " AND ".join(inside)


def _contract(file: str | None) -> str:
    name = contract_name(file or "")
    if name is None:
        raise DataError(f"{str(file)[:80]!r} is not a landing file")
    return name


@cached
def quarantined_rows(viewer: Viewer, file: str, reason: str | None = None, *,
                     warehouse: str | Path | None = None) -> pd.DataFrame:
    """The quarantined rows of one landing file (`attendance_daily` or `attendance_daily.csv`)
    as `alignboard quarantine FILE [--reason CODE]` lists them (line, reasons, the columns as
    received, raw_line), those this viewer may read: only with student access (AccessDenied,
    logged, without), and only the rows placed in their scope (placed_sql) unless the scope is
    the whole warehouse. No rows for a file never loaded."""
    name = _contract(file)
    with connect(warehouse, "staging.org_hierarchy") as con:
        gate = Gate(con, viewer)
        if not gate.students:
            raise gate.refuse(f"quarantined rows of {name}", "no student access")
        if not has_table(con, f"quarantine.{name}"):
            return pd.DataFrame(columns=["line", "reasons"])
        columns = {c for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'quarantine' "
            "AND table_name = $name", {"name": name}).fetchall()}
        placed = "true" if gate.whole() else placed_sql(load_contracts()[name], columns)
        sql = fill(read("quarantined_rows.sql"), {"rows": rows_sql(name), "placed": placed})
        return gate.run(sql, {"reason": reason or None}).df()


def quarantined_rows_csv(viewer: Viewer, file: str, reason: str | None = None, *,
                         warehouse: str | Path | None = None) -> str:
    """The CSV text of GET /export/quarantine.csv: quarantined_rows as the CLI writes them."""
    return csv_text(quarantined_rows(viewer, file, reason or None, warehouse=warehouse))
