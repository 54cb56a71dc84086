"""mart.cfa_cells: CFA mastery by assessment and standard at each classroom, PLC and school,
marked for public release.

mart.cfa_mastery holds each classroom's exact counts; summed at query time, a small cell can be
shown whole (17 of 17 mastered) or worked out from its PLC minus its sister classrooms. Here the
cells of every level are built once and go through the metrics' own suppression (minimum n, top
and bottom coding, complementary across the classrooms of a PLC and the PLCs of a school), with
the minimum n, unit and version of cfa_mastery_rate and the district's coding bands.
"""
from __future__ import annotations

from collections.abc import Sequence

import duckdb

from assets.metrics import sqltext
from assets.metrics.catalog import Metric
from assets.metrics.suppression import CodingBand, apply_suppression

TABLE = "mart.cfa_cells"
FAMILY = "cfa_mastery_rate"
SQL_FILES = ("cfa_cells.sql", "cfa_cells_publish.sql")


def build_cfa_cells(con: duckdb.DuckDBPyConnection, metric: Metric, bands: Sequence[CodingBand]) -> int:
    """Create mart.cfa_cells from mart.cfa_mastery and staging.org_hierarchy; return its rows.
    `metric` is cfa_mastery_rate (min_n, n_unit, version); `bands` the coding bands (() codes
    nothing)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS mart")
    rule = {"family": FAMILY, "metric_version": metric.version, "min_n": metric.min_n, "n_unit": metric.n_unit}
    sqltext.run(con, sqltext.read(SQL_FILES[0]), rule)
    coded = [FAMILY] if metric.unit == "share" and metric.min_n > 0 else []
    apply_suppression(con, "cfa_cell_work", coded, bands)
    con.execute(sqltext.read(SQL_FILES[1]))
    con.execute("DROP TABLE cfa_cell_work")
    return con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
