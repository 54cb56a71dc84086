"""A team's meeting packet as data: what a team brings to its meeting, as of a day.

The scorecard of the entity the team owns (each metric's year to date as of the day, with its
value as of the team's last meeting before it and the change between them, better or worse by
the metric's direction), the goals of the plans it owns with their progress, their If/Then/And
strategies with the latest values of their evidence metrics, the action steps overdue on the day,
the next steps and decisions of the last meeting, and notes on the data (its date, the hidden
cells and why, the files rejected at the last load). Plain functions over a DuckDB connection;
the CLI (pipelines/commands/report.py) prints it as JSON, HTML or PDF.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from assets.metrics import asof
from assets.metrics.periods import latest_data_date
from assets.plans import engine
from assets.warehouse import existing_tables

STATUS_WORDS = {"on_target": "on target", "near": "near target", "off": "off target", "no_data": "no data",
                None: "no target"}
GOAL_WORDS = {"met": "met", "on_track": "on track", "at_risk": "at risk", "off_track": "off track",
              "no_data": "no data", "not_measurable": "not measurable"}
SUPPRESSED = "hidden"


class PacketError(ValueError):
    """The packet cannot be made (unknown team, no marts); the message says why."""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> list[dict]:
    cursor = con.execute(sql, params or {})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _number(value):
    """A number of a query row, None for no data (NULL, NaN, pandas NA)."""
    return None if value is None or pd.isna(value) else float(value)


def _text(value):
    return value if isinstance(value, str) else None


def show(value, unit: str) -> str:
    """A value as the packet prints it: 95.3%, 11.5 h, 0.96; blank for none."""
    if value is None:
        return ""
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "hours":
        return f"{value:.1f} h"
    return f"{value:.4g}"


def show_change(change, unit: str, direction: str) -> str:
    """A change in words: +2.1 pts (better), -0.5 h (worse), no change."""
    if change is None:
        return ""
    if round(change, 9) == 0:
        return "no change"
    better = (change > 0) == (direction == "higher")
    amount = f"{change * 100:+.1f} pts" if unit == "share" else f"{change:+.4g}" + (" h" if unit == "hours" else "")
    return f"{amount} ({'better' if better else 'worse'})"


def team(con: duckdb.DuckDBPyConnection, team_id: str) -> dict:
    found = _rows(con, """
        SELECT t.team_id, t.team_type, t.team_name, t.owner_level, t.owner_id, t.cadence, t.cadence_days,
               h.entity_name AS owner_name
        FROM staging.teams AS t
        LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = t.owner_level AND h.entity_id = t.owner_id
        WHERE t.team_id = $id""", {"id": team_id})
    if not found:
        raise PacketError(f"unknown team {team_id!r} (staging.teams)")
    return found[0]


def meetings_before(con: duckdb.DuckDBPyConnection, info: dict, day: dt.date) -> list[dict]:
    """The team's meetings before `day`, latest first."""
    return _rows(con, """
        SELECT meeting_date, next_steps, decisions FROM staging.team_meetings
        WHERE upper(trim(team)) = $type AND owner_id = $owner AND meeting_date < $day
        ORDER BY meeting_date DESC""", {"type": info["team_type"], "owner": info["owner_id"], "day": day})


def _scorecard(con, info: dict, day: dt.date, last_meeting: dt.date | None, public: bool) -> list[dict]:
    now = asof.scorecard_as_of(con, info["owner_level"], info["owner_id"], day)
    before = {}
    if last_meeting is not None:
        then = asof.scorecard_as_of(con, info["owner_level"], info["owner_id"], last_meeting)
        before = {r.metric_id: r for r in then.itertuples() if r.metric_version is not None}
    rows = []
    for r in now.itertuples():
        if public and info["owner_level"] == "classroom" and _kind(con, r.metric_id) == "systems":
            continue
        hidden = bool(r.suppressed) and public
        prior = before.get(r.metric_id)
        value = None if hidden else _number(r.value)
        then_value = None
        if prior is not None and prior.metric_version == r.metric_version and not (public and prior.suppressed):
            then_value = _number(prior.value)
        change = None if value is None or then_value is None else value - then_value
        rows.append({
            "metric_id": r.metric_id, "metric_name": r.metric_name, "perspective": r.perspective,
            "unit": r.unit, "direction": r.direction, "value": value, "value_text": show(value, r.unit)
            if not hidden else (_text(r.value_range) or SUPPRESSED),
            "target": _number(r.target), "target_text": show(_number(r.target), r.unit),
            "status": SUPPRESSED if hidden else STATUS_WORDS.get(_text(r.status), _text(r.status)),
            "value_at_last_meeting": then_value, "change_since_last_meeting": change,
            "change_text": show_change(change, r.unit, r.direction),
            "n": None if hidden or _number(r.n) is None else int(r.n),
            "suppressed": bool(r.suppressed),
            "suppression_reason": _text(r.suppression_reason),
        })
    return rows


def _kind(con, metric_id: str) -> str | None:
    row = con.execute("SELECT kind FROM mart.metric_catalog WHERE metric_key = split_part($m, '.', 1)",
                      {"m": metric_id}).fetchone()
    return row[0] if row else None


def _goals(con, info: dict, day: dt.date, public: bool) -> list[dict]:
    sql, params = engine.goal_progress_query(day)
    rows = _rows(con, f"SELECT * FROM ({sql}) WHERE level = $owner_level AND entity_id = $owner_id "
                      "ORDER BY plan_id, goal_id",
                 {**params, "owner_level": info["owner_level"], "owner_id": info["owner_id"]})
    return [{
        "goal_id": g["goal_id"], "title": g["title"], "metric_id": g["metric_id"],
        "student_group": g["student_group"], "baseline": _number(g["baseline_value"]),
        "target": _number(g["target_value"]),
        "target_date": g["target_date"].isoformat() if g["target_date"] else None,
        "current": None if public and g["suppressed"] else _number(g["current_value"]),
        "expected": _number(g["expected_value"]), "status": GOAL_WORDS.get(g["status"], g["status"]),
    } for g in rows]


def _strategies(con, goal_ids: list[str], scorecard: list[dict]) -> list[dict]:
    if not goal_ids or "staging.plan_strategies" not in existing_tables(con):
        return []
    values = {r["metric_id"]: r["value_text"] for r in scorecard}
    return [{
        "strategy_id": s["strategy_id"], "goal_id": s["goal_id"], "if_we": s["if_we"],
        "then_adults": s["then_adults"], "and_students": s["and_students"],
        "evidence": [{"metric_id": m, "value_text": values.get(m, "no data")}
                     for m in (s["evidence_metric_ids"] or "").split("|") if m.strip()],
    } for s in _rows(con, "SELECT * FROM staging.plan_strategies WHERE list_contains($goals, goal_id) "
                          "ORDER BY strategy_id", {"goals": goal_ids})]


def _overdue(con, info: dict, day: dt.date) -> list[dict]:
    if not {"staging.action_steps", "staging.plan_goals", "staging.plans"} <= existing_tables(con):
        return []
    return [{**r, "due_date": r["due_date"].isoformat()} for r in _rows(con, """
        SELECT a.action_id, a.description, a.owner, a.due_date, a.status, datediff('day', a.due_date, $day) AS days_overdue
        FROM staging.action_steps AS a
        JOIN staging.plan_goals AS g ON g.goal_id = a.goal_id
        JOIN staging.plans AS p ON p.plan_id = g.plan_id
        WHERE lower(trim(p.level)) = $level AND p.owner_id = $owner
          AND a.due_date < $day AND (a.completed_date IS NULL OR a.completed_date > $day)
        ORDER BY a.due_date, a.action_id""", {"level": info["owner_level"], "owner": info["owner_id"], "day": day})]


def _rejected_files(con) -> list[str]:
    if "mart.data_quality" not in existing_tables(con):
        return []
    return [f for (f,) in con.execute(
        "SELECT DISTINCT file FROM mart.data_quality WHERE status = 'rejected' "
        "AND run_id = (SELECT run_id FROM mart.data_quality ORDER BY loaded_at DESC NULLS LAST LIMIT 1) "
        "ORDER BY 1").fetchall()]


def team_packet(con: duckdb.DuckDBPyConnection, team_id: str, day: dt.date, public: bool = False) -> dict:
    """The meeting packet of `team_id` as of `day` (the meeting day); `public` blanks hidden cells."""
    missing = [t for t in ("staging.teams", "staging.team_meetings", "mart.scorecard", "mart.metric_catalog")
               if t not in existing_tables(con)]
    if missing:
        raise PacketError(f"the warehouse has no {missing[0]}; load and build the marts first")
    info = team(con, team_id)
    history = meetings_before(con, info, day)
    last = history[0] if history else None
    last_day = last["meeting_date"] if last else None
    scorecard = _scorecard(con, info, day, last_day, public)
    goals = _goals(con, info, day, public)
    data_date = latest_data_date(con, existing_tables(con), day)
    return {
        "title": f"{info['team_name']}: meeting packet",
        "team": {k: info[k] for k in ("team_id", "team_type", "team_name", "owner_level", "owner_id", "owner_name",
                                      "cadence")},
        "meeting_date": day.isoformat(),
        "as_of": day.isoformat(),
        "last_meeting_date": last_day.isoformat() if last_day else None,
        "next_meeting_date": (day + dt.timedelta(days=int(info["cadence_days"]))).isoformat()
        if info["cadence_days"] else None,
        "scorecard": scorecard,
        "goals": goals,
        "strategies": _strategies(con, [g["goal_id"] for g in goals], scorecard),
        "overdue_action_steps": _overdue(con, info, day),
        "last_meeting": {"next_steps": last["next_steps"], "decisions": last["decisions"]} if last else None,
        "data_notes": {
            "data_date": data_date.isoformat() if data_date else None,
            "hidden_cells": [{"metric_id": r["metric_id"], "reason": r["suppression_reason"]}
                             for r in scorecard if r["suppressed"]],
            "rejected_files": _rejected_files(con),
        },
    }
