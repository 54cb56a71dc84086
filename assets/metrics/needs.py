"""Build mart.needs_assessment: gaps to target and district, group gaps, strengths and needs.

Seed 001 "Assess Needs" starts the plan from student, perception and systems data and looks for
systemic inequities; sql/needs_assessment.sql does that from the scorecard and the metric cells.
"""
from __future__ import annotations

import duckdb

from assets.metrics import sqltext
from assets.metrics.catalog import Catalog, load_catalog


def build_needs_assessment(con: duckdb.DuckDBPyConnection, catalog: Catalog | None = None) -> int:
    """Create mart.needs_assessment; needs mart.scorecard, mart.metric_values and its counts."""
    catalog = catalog or load_catalog()
    sqltext.run(con, sqltext.read("needs_assessment.sql"), {
        "large_gap_bands": catalog.large_gap_bands,
        "systemic_min_metrics": catalog.systemic_min_metrics,
    })
    return con.execute("SELECT count(*) FROM mart.needs_assessment").fetchone()[0]
