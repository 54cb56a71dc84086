"""Dagster assets for the disparity marts: thin wrappers over engine.py (the rule is in the SQL).

mart.disparity_counts  counts by school year, LEA (district and every school), category and group
mart.disparity         every measure of 34 CFR 300.647 and the complementary ones, all years,
                       with consecutive years over the threshold and significance
"""
from __future__ import annotations

import dagster as dg

from assets.equity import engine
from assets.equity.settings import load_settings
from assets.resources import WarehouseResource

STAGING_INPUTS = (
    "students", "schools", "special_education", "discipline_incidents", "mtss_interventions",
)
COUNTS_KEY = dg.AssetKey(["mart", "disparity_counts"])
DISPARITY_KEY = dg.AssetKey(["mart", "disparity"])
STATE_COUNTS_KEY = dg.AssetKey(["staging", "state_counts"])


@dg.asset(
    key=COUNTS_KEY,
    group_name="marts",
    kinds={"duckdb"},
    deps=[dg.AssetKey(["staging", table]) for table in STAGING_INPUTS] + [STATE_COUNTS_KEY],
    description="Counts and populations by school year, LEA (district and each school), "
                "disparity category and race/ethnicity group, with the students of unknown "
                "race/ethnicity (group 'unknown') left out of the ratios (docs/disparity.md).",
)
def disparity_counts(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS mart")
        rows = engine.build_counts(con, "mart.disparity_counts", load_settings())
    return dg.MaterializeResult(metadata={"rows": rows})


@dg.asset(
    key=DISPARITY_KEY,
    group_name="marts",
    kinds={"duckdb"},
    deps=[COUNTS_KEY, STATE_COUNTS_KEY],
    description="Risk ratios (RR/ARR, 34 CFR 300.647), weighted risk ratio, risk difference, "
                "odds ratio, 95% CI, composition, flags and consecutive-year significance.",
)
def disparity(warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings = load_settings()
    with warehouse.connect() as con:
        rows = engine.build_disparity(
            con, "mart.disparity_counts", "staging.state_counts", "mart.disparity", settings
        )
        flagged, significant = con.execute(
            "SELECT count(*) FILTER (WHERE flagged), count(*) FILTER (WHERE significant) "
            "FROM mart.disparity"
        ).fetchone()
    return dg.MaterializeResult(
        metadata={
            "rows": rows,
            "flagged": flagged,
            "significant": significant,
            "rule": settings.describe(),
        }
    )


disparity_assets = [disparity_counts, disparity]
