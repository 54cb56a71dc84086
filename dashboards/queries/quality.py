"""Data quality: what the latest load did with every landing file, failed checks and runs, and
the banner every page shows when the data is stale or a file was rejected. Load records hold no
student rows, so every signed-in viewer sees them."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from assets.ingest.baseline import LOADED
from dashboards.queries.access import DataError, Viewer
from dashboards.queries.cache import cached
from dashboards.queries.connection import connect, path_of
from data_contracts.contract import load_contracts

STALE_HOURS = 36.0


def _failures_path(warehouse: str | Path | None) -> Path:
    """Failed runs are recorded beside the warehouse (pipelines/run_failures.py writes it)."""
    return Path(f"{path_of(warehouse)}.failures.jsonl")


@cached
def _quality_rows(viewer: Viewer, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    with connect(warehouse, "mart.data_quality") as con:
        frame = con.execute(
            """WITH latest AS (
                   SELECT * FROM mart.data_quality
                   QUALIFY row_number() OVER (PARTITION BY file ORDER BY loaded_at DESC) = 1
               ), good AS (
                   SELECT file, max(loaded_at) AS last_good_load FROM mart.data_quality
                   WHERE list_contains($loaded, status) GROUP BY file
               )
               SELECT c.file AS contract, coalesce(l.source_file, c.file || '.csv') AS file,
                      coalesce(l.status, 'missing') AS status, coalesce(l.rows_read, 0) AS rows_read,
                      coalesce(l.rows_loaded, 0) AS rows_loaded, coalesce(l.rows_quarantined, 0) AS rows_quarantined,
                      CAST(l.reasons AS VARCHAR) AS reasons, l.checks_passed, l.checks_failed,
                      coalesce(l.message, CASE WHEN l.file IS NULL THEN 'never loaded' END) AS message,
                      l.loaded_at, g.last_good_load
               FROM (SELECT unnest($files::VARCHAR[]) AS file) AS c
               LEFT JOIN latest AS l USING (file) LEFT JOIN good AS g USING (file)
               ORDER BY c.file""",
            {"files": sorted(load_contracts()), "loaded": list(LOADED)},
        ).df()
    frame["reasons"] = [json.loads(r) if isinstance(r, str) and r else {} for r in frame["reasons"]]
    return frame


def data_quality(viewer: Viewer, *, warehouse: str | Path | None = None) -> pd.DataFrame:
    """The latest load of every landing file of the contracts: contract (the file's name without
    extension), file, status ('loaded'|'loaded_with_warnings'|'rejected'|'missing'|'unchanged'|'not_run';
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
    column_name, observed, validated_at."""
    with connect(warehouse, "mart.gx_results") as con:
        return con.execute(
            """SELECT file, expectation, column_name, observed, validated_at
               FROM mart.gx_results
               WHERE NOT success
                 AND (file, validated_at) IN (SELECT file, max(validated_at) FROM mart.gx_results GROUP BY file)
               ORDER BY file, expectation"""
        ).df()


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
        messages.append("rejected at the last load (showing the last good data): " + ", ".join(rejected.file))
    loaded = quality["last_good_load"].dropna()
    if not loaded.empty:
        age = (pd.Timestamp.now(tz="UTC") - loaded.max()).total_seconds() / 3600
        if age > max_age_hours:
            messages.append(f"the data is {age:.0f} hours old (last load {loaded.max():%Y-%m-%d %H:%M} UTC)")
    return "; ".join(messages) or None
