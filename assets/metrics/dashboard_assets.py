"""Dagster assets for the dashboard's read-optimised marts: thin wrappers over cfa_mastery.py and
entity_cells.py."""
import dagster as dg

from assets.metrics.cfa_mastery import build_cfa_mastery
from assets.metrics.entity_cells import build_metric_cells
from assets.resources import WarehouseResource


@dg.asset(
    key=dg.AssetKey(["mart", "cfa_mastery"]),
    group_name="marts",
    deps=[dg.AssetKey(["staging", "cfa_results"]), dg.AssetKey(["staging", "sections"])],
    kinds={"duckdb"},
    description="CFA mastery by classroom, assessment and standard (latest result of each student).",
)
def cfa_mastery(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        rows = build_cfa_mastery(con)
    return dg.MaterializeResult(metadata={"rows": rows})


@dg.asset(
    key=dg.AssetKey(["mart", "metric_cells"]),
    group_name="marts",
    deps=[dg.AssetKey(["mart", "metric_values"]), dg.AssetKey(["mart", "metric_value_counts"]),
          dg.AssetKey(["mart", "scorecard"])],
    kinds={"duckdb"},
    description="Metric cells of the organisation's entities with their n and scorecard status (every "
                "student group), sorted by entity for the dashboard.",
)
def metric_cells(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        rows = build_metric_cells(con)
    return dg.MaterializeResult(metadata={"rows": rows})


dashboard_assets = [cfa_mastery, metric_cells]
