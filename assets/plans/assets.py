"""Dagster assets for the plan marts: thin wrappers over engine.py, one table each, as of the
day of the run (the CLI and the dashboard recompute for any --as-of date)."""
import datetime as dt

import dagster as dg

from assets.metrics.catalog import load_catalog
from assets.plans import engine
from assets.resources import WarehouseResource


def _staging(*names: str) -> list[dg.AssetKey]:
    return [dg.AssetKey(["staging", n]) for n in names]


PLANS = _staging("plans", "plan_goals")


def _mart(name: str, deps: list[dg.AssetKey], description: str, build):
    @dg.asset(key=["mart", name], group_name="plans", deps=deps, kinds={"duckdb"}, description=description)
    def plan_mart(warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            rows = build(con, dt.date.today())
        return dg.MaterializeResult(metadata={"rows": rows})

    return plan_mart


plan_assets = [
    _mart("plan_alignment",
          [*PLANS, *_staging("plan_strategies", "action_steps", "org_hierarchy")],
          "One row per alignment problem of the plans (stable problem code, detail, ids).",
          lambda con, as_of: engine.build_plan_alignment(con, as_of, load_catalog())),
    _mart("goal_progress",
          [*PLANS, *_staging("department_kpis"), dg.AssetKey(["mart", "metric_values"])],
          "Each goal's current, expected and projected value and status, and its children's roll-up.",
          lambda con, as_of: engine.build_goal_progress(con, as_of, catalog=load_catalog())),
    _mart("action_step_status", [*PLANS, *_staging("action_steps")],
          "Each action step: on time, late, overdue or open.", engine.build_action_step_status),
    _mart("action_step_summary", [*PLANS, *_staging("action_steps")],
          "Action steps on time, late, overdue and open by plan and owner.", engine.build_action_step_summary),
    _mart("plan_schedule_status", _staging("plans", "plan_schedule"),
          "Plan-development tasks with their slippage (actual minus expected days) per stage.",
          engine.build_plan_schedule_status),
    _mart("roadmap_status", _staging("plans", "roadmap_reviews"),
          "The roadmap phases of each plan, reviewed or not.", engine.build_roadmap_status),
]
