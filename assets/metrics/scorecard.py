"""Build mart.scorecard: the balanced scorecard of every entity, from mart.metric_values.

District, support-services (department), school, PLC and classroom scorecards are all rows of
this one table, so they agree by construction. The SQL is sql/scorecard.sql.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from assets import versions
from assets.metrics import sqltext
from assets.metrics.catalog import Catalog

TABLE = "mart.scorecard"
INPUTS = sorted(sqltext.tables_read(sqltext.read("scorecard.sql")) - {TABLE})
CODE_VERSION = versions.code_version(sqltext.SQL_DIR / "scorecard_status.sql", sqltext.SQL_DIR / "scorecard.sql",
                                     Path(__file__))


def build_scorecard(con: duckdb.DuckDBPyConnection, catalog: Catalog | None = None) -> int:
    """Create mart.scorecard; needs mart.metric_values and mart.metric_catalog (engine.py).
    `catalog` is accepted for symmetry: targets come from mart.metric_catalog, so the scorecard
    always matches the catalog the values were computed with."""
    con.execute(sqltext.read("scorecard_status.sql"))
    con.execute(sqltext.read("scorecard.sql"))
    return con.execute("SELECT count(*) FROM mart.scorecard").fetchone()[0]


def update_scorecard(con: duckdb.DuckDBPyConnection) -> versions.Update:
    """Rebuild mart.scorecard unless its inputs (INPUTS) are the ones it was built from."""
    return versions.rebuild_if_changed(con, [TABLE], INPUTS, CODE_VERSION, lambda: build_scorecard(con))
