"""Dagster assets for the metric marts: thin wrappers over engine.py, scorecard.py and needs.py.

mart.metric_values also writes mart.metric_value_counts (the n behind each cell) and
mart.metric_catalog (the definitions the values were computed with); the scorecard and the
needs assessment read those.
"""

import dagster as dg

from assets.metrics.catalog import load_catalog
from assets.metrics.engine import build_metric_values
from assets.metrics.needs import build_needs_assessment
from assets.metrics.scorecard import build_scorecard
from assets.resources import WarehouseResource

METRIC_VALUES = dg.AssetKey(["mart", "metric_values"])
SCORECARD = dg.AssetKey(["mart", "scorecard"])


def _staging_inputs() -> list[dg.AssetKey]:
    """The staging tables the shipped metrics read (an `optional` metric may read tables no contract builds)."""
    tables = {"staging.student_groups", "staging.org_hierarchy"}
    for metric in load_catalog(config_path="").metrics.values():
        if not metric.optional:
            tables.update(metric.requires)
    return [dg.AssetKey(table.split(".")) for table in sorted(tables)]


@dg.asset(
    key=METRIC_VALUES,
    group_name="marts",
    deps=_staging_inputs(),
    kinds={"duckdb"},
    description="Every metric of the catalog at every level and student group, with suppression flags.",
)
def metric_values(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    catalog = load_catalog()
    with warehouse.connect() as con:
        summary = build_metric_values(con, catalog, progress=context.log.info)
    for family, missing in summary.skipped.items():
        context.log.info(f"{family}: no values, staging lacks {', '.join(missing)}")
    return dg.MaterializeResult(metadata={
        "rows": summary.rows,
        "suppressed": summary.suppressed,
        "cells_by_metric": summary.metrics,
        "skipped": {family: ", ".join(tables) for family, tables in summary.skipped.items()},
    })


@dg.asset(
    key=SCORECARD,
    group_name="marts",
    deps=[METRIC_VALUES, dg.AssetKey(["staging", "org_hierarchy"]), dg.AssetKey(["staging", "sections"]),
          dg.AssetKey(["staging", "department_kpis"])],
    kinds={"duckdb"},
    description="Balanced scorecards of the district, departments, schools, PLCs and classrooms.",
)
def scorecard(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        rows = build_scorecard(con)
    return dg.MaterializeResult(metadata={"rows": rows})


@dg.asset(
    key=dg.AssetKey(["mart", "needs_assessment"]),
    group_name="marts",
    deps=[SCORECARD, METRIC_VALUES, dg.AssetKey(["staging", "org_hierarchy"])],
    kinds={"duckdb"},
    description="Needs assessment of each school and the district: gaps, strengths, needs, systemic inequities.",
)
def needs_assessment(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        rows = build_needs_assessment(con, load_catalog())
    return dg.MaterializeResult(metadata={"rows": rows})


metric_assets = [metric_values, scorecard, needs_assessment]
