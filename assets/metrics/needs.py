"""Build mart.needs_assessment: gaps to target and district, group gaps, strengths and needs.

The "Assess Needs" phase of the improvement roadmap starts the plan from student, perception and systems data and looks for
systemic inequities; sql/needs_assessment.sql does that from the scorecard and the metric cells.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from assets import versions
from assets.metrics import sqltext
from assets.metrics.catalog import Catalog, load_catalog

TABLE = "mart.needs_assessment"
INPUTS = sorted(sqltext.tables_read(sqltext.read("needs_assessment.sql")) - {TABLE})
CODE_VERSION = versions.code_version(sqltext.SQL_DIR / "needs_assessment.sql", Path(__file__))


def build_needs_assessment(con: duckdb.DuckDBPyConnection, catalog: Catalog | None = None) -> int:
    """Create mart.needs_assessment; needs mart.scorecard, mart.metric_values and its counts."""
    catalog = catalog or load_catalog()
    sqltext.run(con, sqltext.read("needs_assessment.sql"), _settings(catalog))
    return con.execute("SELECT count(*) FROM mart.needs_assessment").fetchone()[0]


def _settings(catalog: Catalog) -> dict:
    return {"large_gap_bands": catalog.large_gap_bands, "systemic_min_metrics": catalog.systemic_min_metrics}


def update_needs_assessment(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> versions.Update:
    """Rebuild mart.needs_assessment unless its inputs and settings are unchanged."""
    return versions.rebuild_if_changed(con, [TABLE], INPUTS, CODE_VERSION,
                                       lambda: build_needs_assessment(con, catalog), _settings(catalog))
