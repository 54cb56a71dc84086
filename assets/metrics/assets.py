"""Dagster assets for the metric marts: thin wrappers over engine.py, scorecard.py and needs.py.

Each asset materializes exactly the tables it names. `metric_values` is one multi-asset for the
three tables the engine writes together: mart.metric_values, mart.metric_value_counts (the n
behind each cell) and mart.metric_catalog (the definitions the values were computed with). Every
table carries a data version (inputs' versions + code version, see assets/versions.py) that is also
returned to Dagster; work whose inputs are unchanged is skipped (only the metric families whose
inputs changed are recomputed).
"""

import dagster as dg

from assets import versions
from assets.metrics import needs, scorecard
from assets.metrics.catalog import load_catalog
from assets.metrics.engine import CATALOG_TABLE, VALUES_TABLES, build_metric_values, engine_version, family_inputs
from assets.resources import WarehouseResource
from assets.results import mart_result, row_count
from assets.warehouse import data_version


def _key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("."))


def _value_inputs() -> list[dg.AssetKey]:
    """The tables the shipped metrics read."""
    tables = set()
    for metric in load_catalog(config_path="").metrics.values():
        if not metric.optional:
            tables.update(family_inputs(metric))
    return [_key(table) for table in sorted(tables)]


def _values_code_version() -> str:
    shipped = load_catalog(config_path="")
    return versions.version_of(engine_version(), {m.id: m.fingerprint() for m in shipped.metrics.values()})


VALUES_CODE_VERSION = _values_code_version()


@dg.multi_asset(
    name="metric_values",
    group_name="marts",
    specs=[
        dg.AssetSpec(_key(VALUES_TABLES[0]), deps=_value_inputs(), kinds={"duckdb"},
                     code_version=VALUES_CODE_VERSION,
                     description="Every metric of the catalog at every level and student group, "
                                 "with suppression flags."),
        dg.AssetSpec(_key(VALUES_TABLES[1]), deps=_value_inputs(), kinds={"duckdb"},
                     code_version=VALUES_CODE_VERSION,
                     description="The n (students, respondents ...) behind each metric value."),
        dg.AssetSpec(_key(CATALOG_TABLE), kinds={"duckdb"}, code_version=VALUES_CODE_VERSION,
                     description="The definitions and versions the metric values were computed with."),
    ],
)
def metric_values(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    catalog = load_catalog()
    with warehouse.connect() as con:
        summary = build_metric_values(con, catalog, progress=context.log.info)
        catalog_version = data_version(con, CATALOG_TABLE)
        counts_rows, catalog_rows = (row_count(con, table) for table in (VALUES_TABLES[1], CATALOG_TABLE))
    for family, missing in summary.skipped.items():
        context.log.info(f"{family}: no values, staging lacks {', '.join(missing)}")
    yield dg.MaterializeResult(
        asset_key=_key(VALUES_TABLES[0]),
        data_version=dg.DataVersion(summary.version),
        metadata={
            "rows": summary.rows,
            "suppressed": summary.suppressed,
            "recomputed_cells_by_metric": summary.metrics,
            "kept_unchanged": ", ".join(summary.kept),
            "skipped": {family: ", ".join(tables) for family, tables in summary.skipped.items()},
        },
    )
    yield dg.MaterializeResult(asset_key=_key(VALUES_TABLES[1]), data_version=dg.DataVersion(summary.version),
                               metadata={"rows": counts_rows})
    yield dg.MaterializeResult(asset_key=_key(CATALOG_TABLE), data_version=dg.DataVersion(catalog_version),
                               metadata={"rows": catalog_rows})


@dg.asset(
    key=_key(scorecard.TABLE),
    group_name="marts",
    deps=[_key(table) for table in scorecard.INPUTS],
    kinds={"duckdb"},
    code_version=scorecard.CODE_VERSION,
    description="Balanced scorecards of the district, departments, schools, PLCs and classrooms.",
)
def scorecard_asset(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        return mart_result(con, scorecard.update_scorecard(con), scorecard.TABLE)


@dg.asset(
    key=_key(needs.TABLE),
    group_name="marts",
    deps=[_key(table) for table in needs.INPUTS],
    kinds={"duckdb"},
    code_version=needs.CODE_VERSION,
    description="Needs assessment of each school and the district: gaps, strengths, needs, systemic inequities.",
)
def needs_assessment(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        return mart_result(con, needs.update_needs_assessment(con, load_catalog()), needs.TABLE)


metric_assets = [metric_values, scorecard_asset, needs_assessment]
