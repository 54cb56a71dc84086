"""Plans on the warehouse's own numbers: alignment checks, goal progress and execution.

Plain SQL files beside this module, run on a DuckDB connection with every value a parameter
($as_of, $band, ...); no Dagster here. Each `*_query` returns (sql, params) for a read-only
SELECT, so the query layer (dashboards/queries) and the CLI can run it for any as-of date on a read-only
connection; each `build_*` writes the mart of the same name (assets.py wraps those).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from assets.config import config_path, read_mapping
from assets.metrics import sqltext
from assets.metrics.catalog import Catalog, load_catalog
from data_contracts.contract import load_contracts
from data_contracts.row_rules import quote
from data_contracts.vocabulary import GRADES, GROUPS

SQL_DIR = Path(__file__).parent
DEFAULT_BAND = 0.05


class PlansError(ValueError):
    """A plans setting that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class PlanSettings:
    # how far behind the expected value (in the metric's unit: 0.05 = 5 points of a rate) a
    # goal is still at_risk rather than off_track
    status_band: float = DEFAULT_BAND


def load_settings(path: str | Path | None = None) -> PlanSettings:
    """The `plans:` section of $ALIGNBOARD_CONFIG (or `path`), over the defaults."""
    path = Path(path) if path else config_path()
    if path is None:
        return PlanSettings()
    section = read_mapping(path, PlansError).get("plans") or {}
    if not isinstance(section, dict):
        raise PlansError(f"{path}: plans: must be a mapping")
    unknown = sorted(set(section) - {"status_band"})
    if unknown:
        raise PlansError(f"{path}: plans: unknown setting {unknown[0]} (known: status_band)")
    band = section.get("status_band", DEFAULT_BAND)
    if isinstance(band, bool) or not isinstance(band, (int, float)) or band < 0:
        raise PlansError(f"{path}: plans: status_band must be a number >= 0, not {band!r}")
    return PlanSettings(status_band=float(band))


def student_groups() -> list[str]:
    """Every student group a goal may name (landing-files.md), from the one vocabulary."""
    sexes = load_contracts()["students"].column("sex").allowed
    groups = ["all", *(f"race_ethnicity:{g}" for g in GROUPS)]
    groups += [f"{dim}:{v}" for dim in ("idea", "english_learner", "econ_disadvantaged") for v in ("yes", "no")]
    groups += [f"sex:{s}" for s in sexes] + [f"grade:{g}" for g in GRADES]
    return groups


def _sql(*names: str) -> str:
    return "\n".join((SQL_DIR / name).read_text(encoding="utf-8") for name in names)


def _catalog(catalog: Catalog | None) -> Catalog:
    return catalog or load_catalog()


def alignment_query(as_of: dt.date, catalog: Catalog | None = None) -> tuple[str, dict]:
    """Every alignment problem: problem, detail, level, entity_id, plan_id, goal_id, strategy_id, action_id."""
    metrics = _catalog(catalog).metrics.values()
    return _sql("goal_tree.sql", "alignment.sql"), {
        "as_of": as_of,
        "groups": student_groups(),
        "plain_metrics": [m.id for m in metrics if m.split_by is None],
        "split_metrics": [m.id for m in metrics if m.split_by is not None],
    }


# No cells to date: the school year's values only (the nightly mart).
NO_CELLS = ("(SELECT NULL::VARCHAR AS metric_id, NULL::VARCHAR AS level, NULL::VARCHAR AS entity_id, "
            "NULL::VARCHAR AS student_group, NULL::INTEGER AS school_year, NULL::DOUBLE AS value, "
            "NULL::BOOLEAN AS suppressed, NULL::BIGINT AS n WHERE false)")


def goal_progress_query(as_of: dt.date, band: float | None = None, catalog: Catalog | None = None,
                        to_date_cells: str | None = None) -> tuple[str, dict]:
    """One row per goal: current, expected and projected value, status and the children's roll-up.
    `to_date_cells`: a relation of the year-to-date cells through `as_of` (metric_id, level,
    entity_id, student_group, school_year, value, suppressed, n) whose values stand for the
    as-of year's (goal status as of a day); None: each year's whole-year value."""
    band = load_settings().status_band if band is None else band
    lower = [m.id for m in _catalog(catalog).metrics.values() if m.direction == "lower"]
    # a typed empty list: DuckDB cannot infer the type of []
    sql = sqltext.fill(_sql("goal_tree.sql", "goal_progress.sql"), {"to_date_cells": to_date_cells or NO_CELLS})
    return sql, {"as_of": as_of, "band": float(band), "lower_metrics": lower or [""],
                 "to_date": to_date_cells is not None}


def action_steps_query(as_of: dt.date) -> tuple[str, dict]:
    """One row per action step with its timing: on_time, late, overdue, open (complete_undated)."""
    return _sql("action_steps.sql"), {"as_of": as_of}


def action_step_summary_query(as_of: dt.date) -> tuple[str, dict]:
    """Action steps on time, late, overdue and open by plan and owner."""
    steps, params = action_steps_query(as_of)
    return sqltext.fill(_sql("action_step_summary.sql"), {"steps": steps}), params


def plan_schedule_query(as_of: dt.date) -> tuple[str, dict]:
    """Each plan-development task with its slippage in days, and its stage's totals."""
    return _sql("plan_schedule.sql"), {"as_of": as_of}


def roadmap_query(as_of: dt.date) -> tuple[str, dict]:
    """The five roadmap phases of each reviewed plan: reviewed or not, the latest answers."""
    return _sql("roadmap.sql"), {"as_of": as_of}


def _write(con: duckdb.DuckDBPyConnection, table: str, query: tuple[str, dict]) -> int:
    schema, name = table.split(".")
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")
    sql, params = query
    con.execute(f"CREATE OR REPLACE TABLE {quote(schema)}.{quote(name)} AS {sql}", params)
    return con.execute(f"SELECT count(*) FROM {quote(schema)}.{quote(name)}").fetchone()[0]


def build_plan_alignment(con: duckdb.DuckDBPyConnection, as_of: dt.date, catalog: Catalog | None = None) -> int:
    return _write(con, "mart.plan_alignment", alignment_query(as_of, catalog))


def build_goal_progress(con: duckdb.DuckDBPyConnection, as_of: dt.date, band: float | None = None,
                        catalog: Catalog | None = None) -> int:
    return _write(con, "mart.goal_progress", goal_progress_query(as_of, band, catalog))


def build_action_step_status(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int:
    return _write(con, "mart.action_step_status", action_steps_query(as_of))


def build_action_step_summary(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int:
    return _write(con, "mart.action_step_summary", action_step_summary_query(as_of))


def build_plan_schedule_status(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int:
    return _write(con, "mart.plan_schedule_status", plan_schedule_query(as_of))


def build_roadmap_status(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int:
    return _write(con, "mart.roadmap_status", roadmap_query(as_of))
