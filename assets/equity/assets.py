"""Dagster assets for the disparity marts: thin wrappers over engine.py (the rule is in the SQL).

mart.disparity_counts  counts by school year, LEA (district and every school), category and group
mart.disparity         every measure of 34 CFR 300.647 and the complementary ones, all years,
                       with consecutive years over the threshold and significance
Each table carries a data version (its inputs' versions + code version + settings) that is also
returned to Dagster; a rebuild whose inputs are unchanged is skipped.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import dagster as dg

from assets import versions
from assets.equity import engine
from assets.equity.settings import load_settings
from assets.metrics import sqltext
from assets.resources import WarehouseResource
from assets.results import mart_result
from data_contracts.vocabulary import EVENT_CATEGORIES, GROUPS

COUNTS = "mart.disparity_counts"
DISPARITY = "mart.disparity"
STATE_COUNTS = "staging.state_counts"
COUNTS_INPUTS = sorted(sqltext.tables_read(engine.sql_text("counts_from_warehouse.sql")))
COUNTS_CODE = versions.code_version(engine.SQL_DIR / "counts_from_warehouse.sql", Path(engine.__file__))
DISPARITY_CODE = versions.code_version(engine.SQL_DIR / "measures.sql", engine.SQL_DIR / "years.sql",
                                       Path(engine.__file__))


def _key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("."))


@dg.asset(
    key=_key(COUNTS),
    group_name="marts",
    kinds={"duckdb"},
    deps=[_key(table) for table in COUNTS_INPUTS],
    code_version=COUNTS_CODE,
    description="Counts and populations by school year, LEA (district and each school), "
                "disparity category and race/ethnicity group, with the students of unknown "
                "race/ethnicity (group 'unknown') left out of the ratios (docs/disparity.md).",
)
def disparity_counts(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS mart")
        settings = load_settings()
        update = versions.rebuild_if_changed(
            con, [COUNTS], COUNTS_INPUTS, COUNTS_CODE, lambda: engine.build_counts(con, COUNTS, settings),
            list(GROUPS), settings.age_date)
        return mart_result(con, update, COUNTS)


@dg.asset(
    key=_key(DISPARITY),
    group_name="marts",
    kinds={"duckdb"},
    deps=[_key(COUNTS), _key(STATE_COUNTS)],
    code_version=DISPARITY_CODE,
    description="Risk ratios (RR/ARR, 34 CFR 300.647), weighted risk ratio, risk difference, "
                "odds ratio, 95% CI, composition, flags and consecutive-year significance.",
)
def disparity(warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings = load_settings()
    with warehouse.connect() as con:
        update = versions.rebuild_if_changed(
            con, [DISPARITY], [COUNTS, STATE_COUNTS], DISPARITY_CODE,
            lambda: engine.build_disparity(con, COUNTS, STATE_COUNTS, DISPARITY, settings),
            asdict(settings), list(EVENT_CATEGORIES))
        flagged, significant = con.execute(
            "SELECT count(*) FILTER (WHERE flagged), count(*) FILTER (WHERE significant) FROM mart.disparity"
        ).fetchone()
        return mart_result(con, update, DISPARITY, flagged=flagged, significant=significant, rule=settings.describe())


disparity_assets = [disparity_counts, disparity]
