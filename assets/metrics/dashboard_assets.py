"""Dagster asset for mart.cfa_mastery: a thin wrapper over cfa_mastery.py."""
import dagster as dg

from assets.metrics.cfa_mastery import build_cfa_mastery
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


cfa_assets = [cfa_mastery]
