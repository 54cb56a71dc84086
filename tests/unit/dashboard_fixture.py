"""The hand-built district of metrics_fixture.py as a full dashboard warehouse: the metric marts,
mart.cfa_mastery, the disparity marts (small minimums so that some ratios exist) and the load
records of the data-quality page.

Disparity settings: min cell 1, min n 2, one year. MTSS tier 2/3 in 2026 (students of
metrics_fixture.py): s02 (black, S1), s04 (black, S1), s07 (black, S2); s06's tier 1 does not count.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from assets.equity import engine
from assets.equity.settings import load_settings
from assets.metrics.cfa_mastery import build_cfa_mastery
from tests.unit.metrics_fixture import build_warehouse_file

QUALITY_SQL = Path(__file__).resolve().parents[2] / "assets" / "ingest" / "data_quality.sql"


def build_dashboard_warehouse(path: Path) -> Path:
    build_warehouse_file(path)
    con = duckdb.connect(str(path))
    try:
        build_cfa_mastery(con)
        con.execute('CREATE TABLE staging.state_counts (school_year INTEGER, category VARCHAR, "group" VARCHAR, '
                    "count BIGINT, population BIGINT)")
        settings = load_settings(min_cell=1, min_n=2, consecutive_years=1)
        engine.build_counts(con, "mart.disparity_counts", settings)
        engine.build_disparity(con, "mart.disparity_counts", "staging.state_counts", "mart.disparity", settings)
        con.execute("CREATE SCHEMA IF NOT EXISTS ingest_work")
        con.execute(QUALITY_SQL.read_text(encoding="utf-8"))
    finally:
        con.close()
    return path


def record_loads(path: Path, rows: list[tuple], checks: list[tuple] = ()) -> None:
    """mart.data_quality rows (file, status, read, loaded, quarantined, reasons JSON, message,
    loaded_at) and failed GX checks (file, expectation, column, observed, validated_at)."""
    con = duckdb.connect(str(path))
    try:
        con.execute("DELETE FROM mart.data_quality")
        con.execute("DELETE FROM mart.gx_results")
        for file, status, read, loaded, quarantined, reasons, message, loaded_at in rows:
            con.execute(
                "INSERT INTO mart.data_quality (run_id, file, status, rows_read, rows_loaded, rows_quarantined, "
                "reasons, checks_passed, checks_failed, message, loaded_at) VALUES ('r', ?, ?, ?, ?, ?, ?, 5, ?, ?, ?)",
                [file, status, read, loaded, quarantined, reasons, 1 if status == "rejected" else 0, message, loaded_at],
            )
        for file, expectation, column, observed, validated_at in checks:
            con.execute("INSERT INTO mart.gx_results VALUES ('r', ?, ?, ?, false, ?, ?)",
                        [file, expectation, column, observed, validated_at])
    finally:
        con.close()


def hours_ago(hours: float) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=hours)
