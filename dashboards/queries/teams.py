"""Teams and their meeting packet, as the asking viewer may see them.

A team (staging.teams) owns one entity: the DLT its district, an OLT its department, a BLT its
school, a PLC its PLC, a CLC its classroom. A viewer sees a team when they see the entity it
owns (their scope, below it, or the layers above it); any other team id, known or not, is
refused in the same words. The packet is what the team page shows and what `alignboard report
team` and the dashboard's PDF print (assets/plans/packet.py lays it out): every number in it
comes through the queries of this package, hidden by the viewer's audience.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from assets.metrics.periods import school_year_of
from assets.plans.packet import (
    GOAL_WORDS, HIDDEN, PHASE_WORDS, STATUS_WORDS, TIMING_WORDS, metric_label, show, show_change,
)
from dashboards.queries.access import DataError, Gate, Viewer
from dashboards.queries.cache import cached
from dashboards.queries.connection import connect, has_table
from dashboards.queries.metrics import data_through, scorecard_as_of
from dashboards.queries.plans import PLAN_TABLES, action_steps, goal_progress, roadmap
from dashboards.queries.sqlfiles import read

TEAM_TABLES = ("staging.teams", "staging.team_meetings", "staging.org_hierarchy")


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _number(value):
    """A number of a query row, None for no data (NULL, NaN, pandas NA)."""
    return None if value is None or pd.isna(value) else float(value)


def _text(value):
    return value if isinstance(value, str) and value else None


def _day(value) -> str | None:
    """A date of a query row as YYYY-MM-DD, None for none."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


@cached
def teams(viewer: Viewer, *, warehouse: str | Path | None = None, own: bool = False) -> pd.DataFrame:
    """The teams the viewer may see (`own`: only those their scope entity owns, "My team"):
    team_id, team_type, team_name, owner_level, owner_id, owner_name, cadence, cadence_days, members."""
    with connect(warehouse, *TEAM_TABLES) as con:
        frame = Gate(con, viewer).run(read("teams.sql"), {"team": None, "own": own}).df()
    return frame[frame["visible"]].drop(columns="visible").reset_index(drop=True)


def team_info(gate: Gate, team_id: str) -> dict:
    """One team the viewer may see; refused in the same words when unknown or outside the scope."""
    found = _rows(gate.run(read("teams.sql"), {"team": team_id, "own": False}))
    if not found or not found[0]["visible"]:
        raise gate.refuse(f"team {team_id!r}", "outside" if found else "unknown")
    return found[0]


def _scorecard(viewer: Viewer, info: dict, day: dt.date, last: dt.date | None, public: bool,
               warehouse) -> list[dict]:
    card = scorecard_as_of(viewer, info["owner_level"], info["owner_id"], day, warehouse=warehouse,
                           prior=last or day, public=public)
    rows = []
    for r in card.itertuples():
        value, then = _number(r.value), _number(r.prior_value) if last else None
        change = None if value is None or then is None else value - then
        hidden = bool(r.suppressed)
        rows.append({
            "metric_id": r.metric_id, "metric_name": r.metric_name, "metric_label": metric_label(r.metric_name),
            "perspective": r.perspective,
            "unit": r.unit, "direction": r.direction, "value": value,
            "value_text": (_text(r.value_range) or HIDDEN) if hidden else (show(value, r.unit) or "no data"),
            "target": _number(r.target), "target_text": show(_number(r.target), r.unit) or "no target",
            "status": STATUS_WORDS.get(_text(r.status), _text(r.status)), "status_code": _text(r.status),
            "value_at_last_meeting": then, "last_meeting_text": show(then, r.unit),
            "change_since_last_meeting": change, "change_text": show_change(change, r.unit, r.direction),
            "n": None if _number(r.n) is None else int(r.n),
            "suppressed": hidden, "suppression_reason": _text(r.suppression_reason),
        })
    return rows


def _metric_names(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, str]:
    return dict(con.execute(read("metric_names.sql"), {"ids": ids or [""]}).fetchall())


def _goals(viewer: Viewer, info: dict, day: dt.date, public: bool, warehouse) -> list[dict]:
    frame = goal_progress(viewer, day, warehouse=warehouse, public=public, to_date=True)
    frame = frame[(frame["level"] == info["owner_level"]) & (frame["entity_id"] == info["owner_id"])]
    goals = []
    for g in frame.itertuples():
        baseline, target, current = _number(g.baseline_value), _number(g.target_value), _number(g.current_value)
        progress = None
        if None not in (baseline, target, current) and target != baseline:
            progress = (current - baseline) / (target - baseline)
        goals.append({
            "goal_id": g.goal_id, "plan_id": g.plan_id, "title": g.title, "metric_id": _text(g.metric_id),
            "student_group": g.student_group, "direction": _text(g.direction), "baseline": baseline,
            "baseline_date": _day(g.baseline_date), "target": target, "target_date": _day(g.target_date),
            "current": current, "current_year": None if pd.isna(g.current_year) else int(g.current_year),
            "expected": _number(g.expected_value), "progress": progress,
            "status": GOAL_WORDS.get(g.status, g.status), "status_code": g.status,
        })
    return goals


def _strategies(gate: Gate, goal_ids: list[str], scorecard: list[dict]) -> list[dict]:
    if not goal_ids or not has_table(gate.con, "staging.plan_strategies"):
        return []
    values = {r["metric_id"]: r["value_text"] for r in scorecard}
    found = _rows(gate.run(read("team_strategies.sql"), {"goals": goal_ids}))
    names = _metric_names(gate.con, [m for s in found for m in s["evidence"]])
    return [{**s, "evidence": [{"metric_id": m, "metric_name": names.get(m, m), "value_text": values.get(m, "no data")}
                               for m in s["evidence"]]} for s in found]


def _steps(viewer: Viewer, info: dict, day: dt.date, horizon: dt.date, warehouse) -> list[dict]:
    """The owner's plans' steps overdue on `day` or not done and due before `horizon`."""
    frame = action_steps(viewer, warehouse=warehouse, as_of=day)
    frame = frame[(frame["level"] == info["owner_level"]) & (frame["entity_id"] == info["owner_id"])]
    due = pd.to_datetime(frame["due_date"]).dt.date
    frame = frame[(frame["timing"] == "overdue") | ((frame["timing"] == "open") & due.notna()
                                                    & (due.fillna(horizon) < horizon))]
    return [{"action_id": a.action_id, "goal_id": a.goal_id, "description": a.description, "owner": _text(a.owner),
             "due_date": _day(a.due_date), "days_overdue": int(a.days_late) if a.timing == "overdue" else None,
             "status": TIMING_WORDS.get(a.timing, a.timing)}
            for a in frame.sort_values(["due_date", "action_id"]).itertuples()]


def _roadmap(viewer: Viewer, info: dict, day: dt.date, warehouse) -> list[dict]:
    frame = roadmap(viewer, warehouse=warehouse, as_of=day)
    frame = frame[(frame["level"] == info["owner_level"]) & (frame["entity_id"] == info["owner_id"])]
    if frame.empty:
        return []
    with connect(warehouse, "staging.plans") as con:
        titles = dict(con.execute("SELECT plan_id, title FROM staging.plans WHERE list_contains($ids, plan_id)",
                                  {"ids": sorted(set(frame["plan_id"]))}).fetchall())
    return [{"plan_id": r.plan_id, "plan_title": titles.get(r.plan_id) or r.plan_id, "phase": PHASE_WORDS.get(r.phase, r.phase), "reviews": int(r.reviews),
             "last_review_date": _day(r.last_review_date), "done": _text(r.done), "still_to_do": _text(r.still_to_do),
             "by_when": _day(r.by_when), "responsible": _text(r.responsible),
             "follow_up_past_due": bool(r.follow_up_past_due)} for r in frame.itertuples()]


def _rejected_files(con: duckdb.DuckDBPyConnection) -> list[str]:
    if not has_table(con, "mart.data_quality"):
        return []
    return [f for (f,) in con.execute(
        "SELECT DISTINCT file FROM mart.data_quality WHERE status = 'rejected' "
        "AND run_id = (SELECT run_id FROM mart.data_quality ORDER BY loaded_at DESC NULLS LAST LIMIT 1) "
        "ORDER BY 1").fetchall()]


@cached
def team_packet(viewer: Viewer, team_id: str, day: dt.date, *, warehouse: str | Path | None = None,
                public: bool = False) -> dict:
    """What a team brings to its meeting on `day`, as this viewer may see it: the scorecard of
    the entity it owns (each metric's year to date through `day` beside its value through the
    team's last meeting before `day`, the change in words), the goals of its plans with their
    progress, their strategies and evidence, the action steps overdue or due before the next
    meeting (`day` plus the cadence), the roadmap reviews, the last meeting's next steps and
    decisions, whether the cadence was missed (no meeting within a cadence of the last one),
    and notes on the data. Refused, like any entity, for a team outside the scope."""
    with connect(warehouse, *TEAM_TABLES, "mart.scorecard", "mart.metric_catalog") as con:
        gate = Gate(con, viewer, public)
        info = team_info(gate, team_id)
        meetings = _rows(gate.run(read("team_meetings.sql"),
                                  {"team_type": info["team_type"], "owner_id": info["owner_id"], "day": day}))
        data_date = data_through(con, day)
        rejected = _rejected_files(con)
        has_plans = all(has_table(con, t) for t in PLAN_TABLES)
    last = meetings[0] if meetings else None
    last_day = last["meeting_date"] if last else None
    cadence = dt.timedelta(days=int(info["cadence_days"])) if info["cadence_days"] else None
    due = last_day + cadence if last_day and cadence else None
    # the values are as of the newest data on or before the meeting (a year whose data ended in
    # June is shown through June, not as an empty year to date of the year after)
    values_day = data_date or day
    scorecard = _scorecard(viewer, info, values_day, last_day, public, warehouse)
    goals = _goals(viewer, info, values_day, public, warehouse) if has_plans else []
    reviewed = [m.strip() for m in ((last or {}).get("metrics_reviewed") or "").split("|") if m.strip()]
    with connect(warehouse, *TEAM_TABLES, "mart.metric_catalog") as con:
        strategies = _strategies(Gate(con, viewer, public), [g["goal_id"] for g in goals], scorecard)
        names = _metric_names(con, reviewed + [g["metric_id"] for g in goals if g["metric_id"]])
    for goal in goals:
        goal["metric_name"] = names.get(goal["metric_id"]) if goal["metric_id"] else None
    horizon = day + cadence if cadence else day
    steps = _steps(viewer, info, day, horizon, warehouse) if has_plans else []
    return {
        "title": f"{info['team_name']}: meeting packet",
        "team": {k: info[k] for k in ("team_id", "team_type", "team_name", "owner_level", "owner_id", "owner_name",
                                      "cadence", "members")},
        "meeting_date": day.isoformat(),
        "as_of": values_day.isoformat(),
        "last_meeting_date": last_day.isoformat() if last_day else None,
        "meetings_this_year": sum(1 for m in meetings if school_year_of(m["meeting_date"]) == school_year_of(day)),
        "next_meeting_date": (day + cadence).isoformat() if cadence else None,
        "next_meeting_due": due.isoformat() if due else None,
        "cadence_missed": bool(due and due < day),
        "scorecard": scorecard,
        "goals": goals,
        "strategies": strategies,
        "overdue_action_steps": [s for s in steps if s["days_overdue"] is not None],
        "action_steps": steps,
        "roadmap": _roadmap(viewer, info, day, warehouse) if has_plans else [],
        "last_meeting": {"date": last_day.isoformat(), "metrics_reviewed": _text(last["metrics_reviewed"]),
                         "metrics_reviewed_names": [names.get(m, m) for m in reviewed],
                         "next_steps": _text(last["next_steps"]), "decisions": _text(last["decisions"])}
        if last else None,
        "data_notes": {
            "data_date": data_date.isoformat() if data_date else None,
            "hidden_cells": [{"metric_id": r["metric_id"], "reason": r["suppression_reason"]}
                             for r in scorecard if r["suppressed"]],
            "rejected_files": rejected,
        },
    }


def check_team_id(team_id) -> str:
    if not isinstance(team_id, str) or not team_id.strip():
        raise DataError("a team id is required, e.g. BLT:01001 (see the teams of your scope)")
    return team_id.strip()
