"""Plans: alignment, goal progress and execution as of any date, and meeting cadence.

Computed on the read-only connection from the staging plan tables (a few thousand rows), so the
as-of date is the caller's, never "today" inside SQL. A goal, problem, step or task is visible
when the entity that owns its plan is (student plans: like student rows)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from assets.metrics.catalog import load_catalog
from assets.metrics.sqltext import fill
from assets.plans import engine
from dashboards.queries.access import DataError, Gate, Viewer
from dashboards.queries.connection import connect
from dashboards.queries.exports import Out, write_rows
from dashboards.queries.metrics import cells_computed
from dashboards.queries.sqlfiles import read
from data_contracts.vocabulary import ORG_LEVELS

PLAN_TABLES = ("staging.plans", "staging.plan_goals", "staging.plan_strategies", "staging.action_steps",
               "staging.plan_schedule", "staging.roadmap_reviews", "staging.org_hierarchy")
GOAL_PROGRESS_COLUMNS = (
    "goal_id", "plan_id", "level", "entity_id", "metric_id", "student_group", "baseline_value", "baseline_date",
    "target_value", "target_date", "current_value", "expected_value", "status", "projected_value",
)


def _as_of(as_of) -> dt.date:
    """The caller's as-of date, or today: decided here, never inside SQL."""
    return as_of if as_of is not None else dt.date.today()


def _visible(query: tuple[str, dict]) -> tuple[str, dict]:
    """An engine query cut to the plans whose owner the viewer may see (sql/owner_visible.sql)."""
    sql, params = query
    return fill(read("owner_visible.sql"), {"rows": sql}), params


def _scoped(viewer: Viewer, query: tuple[str, dict], order: str, tables: tuple[str, ...] = (),
            warehouse: str | Path | None = None) -> pd.DataFrame:
    sql, params = _visible(query)
    with connect(warehouse, *PLAN_TABLES, *tables) as con:
        return Gate(con, viewer).run(f"SELECT * EXCLUDE (in_scope) FROM ({sql}) ORDER BY {order}", params).df()


def plan_alignment(viewer: Viewer, *, warehouse: str | Path | None = None, as_of=None) -> pd.DataFrame:
    """Alignment problems of the plans the viewer may see: problem, detail, level, entity_id,
    plan_id, goal_id, strategy_id, action_id (as of `as_of`, default today: overdue steps)."""
    return _scoped(viewer, engine.alignment_query(_as_of(as_of)), "ALL", warehouse=warehouse)


def goal_progress(viewer: Viewer, as_of=None, *, warehouse: str | Path | None = None, public: bool = False,
                  band: float | None = None, to_date: bool = False) -> pd.DataFrame:
    """Each visible goal's current, expected and projected value and status as of `as_of`
    (default today), the current value hidden by the viewer's audience (status 'suppressed'),
    its supporting goals counted among the visible ones, and `scorecard_target`: the target of
    the goal's metric on its owner's scorecard. `to_date`: the as-of year's value is its year to
    date through `as_of` (computed on request for the organisation's entities, as
    metrics.scorecard_as_of), not the whole year's."""
    day = _as_of(as_of)
    try:
        sql, params = _visible(engine.goal_progress_query(day, band, to_date_cells="asof_cells" if to_date else None))
    except engine.PlansError as error:
        raise DataError(str(error)) from None
    cells = cells_computed(Viewer.analyst(), day, warehouse=warehouse) if to_date else None
    with connect(warehouse, *PLAN_TABLES, "mart.metric_values", "mart.metric_value_counts",
                 "mart.metric_catalog", "mart.scorecard", "staging.department_kpis") as con:
        if cells is not None:
            con.register("asof_cells", cells)
        return Gate(con, viewer, public).run(fill(read("goal_progress.sql"), {"visible": sql}), params).df()


def write_goal_progress_csv(viewer: Viewer, out: Out = None, *, as_of=None,
                            warehouse: str | Path | None = None, public: bool = False) -> int:
    """goal_progress() as CSV with exactly GOAL_PROGRESS_COLUMNS, the as-of year judged on its
    year to date as the Plans page judges it; return the row count."""
    frame = goal_progress(viewer, as_of, warehouse=warehouse, public=public, to_date=True)
    frame = frame[frame["metric_id"].notna()][list(GOAL_PROGRESS_COLUMNS)]
    return write_rows(GOAL_PROGRESS_COLUMNS, frame.itertuples(index=False), out)


def action_steps(viewer: Viewer, *, warehouse: str | Path | None = None, as_of=None) -> pd.DataFrame:
    """Action steps of the visible plans with owner, due date and timing (on_time, late,
    overdue, open) as of `as_of` (default today), in plan and step order."""
    return _scoped(viewer, engine.action_steps_query(_as_of(as_of)),
                   "plan_id, goal_id, step_number, action_id", warehouse=warehouse)


def plan_schedule(viewer: Viewer, *, warehouse: str | Path | None = None, as_of=None) -> pd.DataFrame:
    """The plan-development schedule of the visible plans: expected and actual dates, slippage
    in days per task and per stage, as of `as_of` (default today)."""
    return _scoped(viewer, engine.plan_schedule_query(_as_of(as_of)),
                   "plan_id, stage, expected_date NULLS LAST, task", warehouse=warehouse)


def roadmap(viewer: Viewer, *, warehouse: str | Path | None = None, as_of=None) -> pd.DataFrame:
    """The five roadmap phases of each visible plan that has reviews: reviewed or not, the
    latest answers, and whether the follow-up is past due as of `as_of` (default today)."""
    return _scoped(viewer, engine.roadmap_query(_as_of(as_of)), "plan_id, phase_order", warehouse=warehouse)


def meeting_cadence(viewer: Viewer, *, warehouse: str | Path | None = None, year: int | None = None) -> pd.DataFrame:
    """Meeting cadence met or missed per team for the visible entities: the periods that met the
    team's minimum out of the periods counted (mart.metric_values, meeting_cadence_met);
    `cadence` is 'met' when every counted period met it."""
    cadences = load_catalog().metrics["meeting_cadence_met"].parameters["cadences"]
    params = {"teams": [c["team"] for c in cadences], "team_levels": [c["level"] for c in cadences],
              "year": year, "levels": list(ORG_LEVELS)}
    with connect(warehouse, "mart.metric_values", "staging.org_hierarchy") as con:
        return Gate(con, viewer).run(read("meeting_cadence.sql"), params).df()
