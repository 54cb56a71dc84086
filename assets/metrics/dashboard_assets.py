"""Dagster assets for the dashboard's read-optimised marts: thin wrappers over cfa_mastery.py and
entity_cells.py, rebuilt only when their inputs or code changed (assets/versions.py): at 200,000
students they take 20 s and 12 s, most of a nightly reload that finds nothing changed."""
from pathlib import Path

import dagster as dg

from assets import versions
from assets.metrics import cfa_mastery as cfa, entity_cells as cells, sqltext
from assets.resources import WarehouseResource
from assets.results import mart_result

CFA_INPUTS = sorted(sqltext.tables_read(cfa.MART_SQL) - {"mart.cfa_mastery"})
CFA_CODE = versions.code_version(Path(cfa.__file__), cfa.SQL_DIR / "cfa_latest.sql")
CELLS_INPUTS = sorted(sqltext.tables_read(cells.CELLS_SQL) - {"mart.metric_cells"})
CELLS_CODE = versions.code_version(Path(cells.__file__))


@dg.asset(
    key=dg.AssetKey(["mart", "cfa_mastery"]),
    group_name="marts",
    deps=[dg.AssetKey(table.split(".")) for table in CFA_INPUTS],
    kinds={"duckdb"},
    code_version=CFA_CODE,
    description="CFA mastery by classroom, assessment and standard (latest result of each student).",
)
def cfa_mastery(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        update = versions.rebuild_if_changed(con, ["mart.cfa_mastery"], CFA_INPUTS, CFA_CODE,
                                             lambda: cfa.build_cfa_mastery(con))
        return mart_result(con, update, "mart.cfa_mastery")


@dg.asset(
    key=dg.AssetKey(["mart", "metric_cells"]),
    group_name="marts",
    deps=[dg.AssetKey(table.split(".")) for table in CELLS_INPUTS],
    kinds={"duckdb"},
    code_version=CELLS_CODE,
    description="Metric cells of the organisation's entities with their n and scorecard status (every "
                "student group), sorted by entity for the dashboard.",
)
def metric_cells(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        update = versions.rebuild_if_changed(con, ["mart.metric_cells"], CELLS_INPUTS, CELLS_CODE,
                                             lambda: cells.build_metric_cells(con))
        return mart_result(con, update, "mart.metric_cells")


dashboard_assets = [cfa_mastery, metric_cells]
