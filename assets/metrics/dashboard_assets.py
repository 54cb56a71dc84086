"""Dagster assets for the dashboard's read-optimised marts: thin wrappers over cfa_mastery.py,
cfa_cells.py and entity_cells.py, rebuilt only when their inputs, code or settings changed
(assets/versions.py): at 200,000 students cfa_mastery and metric_cells take 20 s and 12 s, most
of a nightly reload that finds nothing changed."""
from pathlib import Path

import dagster as dg

from assets import versions
from assets.metrics import cfa_cells, cfa_mastery as cfa, entity_cells as cells, sqltext, suppression
from assets.metrics.catalog import load_catalog
from assets.resources import WarehouseResource
from assets.results import mart_result

CFA_INPUTS = sorted(sqltext.tables_read(cfa.MART_SQL) - {"mart.cfa_mastery"})
CFA_CODE = versions.code_version(Path(cfa.__file__), cfa.SQL_DIR / "cfa_latest.sql")
CFA_CELLS_INPUTS = sorted(sqltext.tables_read(*(sqltext.read(f) for f in cfa_cells.SQL_FILES)) - {cfa_cells.TABLE}
                          | {"staging.org_hierarchy"})
CFA_CELLS_CODE = versions.code_version(Path(cfa_cells.__file__), Path(suppression.__file__),
                                       *(sqltext.SQL_DIR / f for f in cfa_cells.SQL_FILES),
                                       *sorted(sqltext.SQL_DIR.glob("suppress_*.sql")))
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
    key=dg.AssetKey(cfa_cells.TABLE.split(".")),
    group_name="marts",
    deps=[dg.AssetKey(table.split(".")) for table in CFA_CELLS_INPUTS],
    kinds={"duckdb"},
    code_version=CFA_CELLS_CODE,
    description="CFA mastery by assessment and standard at each classroom, PLC and school, marked for "
                "public release (minimum n, top and bottom coding, complementary).",
)
def cfa_cells_asset(warehouse: WarehouseResource) -> dg.MaterializeResult:
    metric = load_catalog().metrics[cfa_cells.FAMILY]
    bands = suppression.load_coding_bands()
    rule = {"min_n": metric.min_n, "n_unit": metric.n_unit, "version": metric.version, "unit": metric.unit,
            "coding": list(bands)}
    with warehouse.connect() as con:
        update = versions.rebuild_if_changed(con, [cfa_cells.TABLE], CFA_CELLS_INPUTS, CFA_CELLS_CODE,
                                             lambda: cfa_cells.build_cfa_cells(con, metric, bands), rule)
        return mart_result(con, update, cfa_cells.TABLE)


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


dashboard_assets = [cfa_mastery, cfa_cells_asset, metric_cells]
