"""Build mart.scorecard: the balanced scorecard of every entity, from mart.metric_values.

District, support-services (department), school, PLC and classroom scorecards are all rows of
this one table, so they agree by construction. The SQL is sql/scorecard.sql.
"""
from __future__ import annotations

import duckdb

from assets.metrics import sqltext
from assets.metrics.catalog import Catalog


def build_scorecard(con: duckdb.DuckDBPyConnection, catalog: Catalog | None = None) -> int:
    """Create mart.scorecard; needs mart.metric_values and mart.metric_catalog (engine.py).
    `catalog` is accepted for symmetry: targets come from mart.metric_catalog, so the scorecard
    always matches the catalog the values were computed with."""
    con.execute(sqltext.read("scorecard.sql"))
    return con.execute("SELECT count(*) FROM mart.scorecard").fetchone()[0]
