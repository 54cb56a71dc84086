"""Execution marts by hand: action steps by plan and owner, and the roadmap phases."""
import duckdb

from assets.plans.engine import build_action_step_summary, build_roadmap_status
from tests.unit.plans_fixture import D, clean_plans, create_plan_tables

AS_OF = D(2026, 1, 15)


def test_action_steps_on_time_late_overdue_and_open_by_plan_and_owner():
    plans = clean_plans()
    plans["action_steps"] += [
        ("A3", "SG1", None, 1, "s", "Principal", D(2025, 8, 1), D(2025, 12, 1), D(2025, 12, 10), "complete"),
        ("A4", "SG1", None, 2, "s", "Principal", D(2025, 8, 1), D(2025, 12, 1), None, "blocked"),
        ("A5", "SG1", None, 3, "s", None, D(2025, 8, 1), D(2026, 1, 15), None, "not_started"),
    ]
    con = duckdb.connect()
    create_plan_tables(con, plans)
    assert build_action_step_summary(con, AS_OF) == 3
    rows = con.execute("SELECT plan_id, owner, steps, on_time, late, overdue, open FROM mart.action_step_summary "
                       "ORDER BY plan_id, owner").fetchall()
    # PD/DLT: A1 on time, A2 due in March (open). PS1/Principal: A3 late, A4 overdue.
    # PS1 without owner: A5 due on the as-of date itself is not past due (open).
    assert rows == [("PD", "DLT", 2, 1, 0, 0, 1), ("PS1", "(no owner)", 1, 0, 0, 0, 1),
                    ("PS1", "Principal", 2, 0, 1, 1, 0)]


def test_roadmap_phases_reviewed_or_not():
    plans = clean_plans()
    plans["roadmap_reviews"] = [
        ("PD", "set_vision", D(2025, 9, 15), "Vision set", "Board", "Share", D(2025, 12, 1), "Superintendent"),
        ("PD", "set_vision", D(2025, 11, 15), "Vision shared", "Staff", "Post it", D(2026, 2, 1), "Superintendent"),
        ("PD", "assess_needs", D(2026, 2, 1), "Later", None, None, None, None),  # after the as-of date
    ]
    con = duckdb.connect()
    create_plan_tables(con, plans)
    assert build_roadmap_status(con, AS_OF) == 5  # one plan with reviews x five phases
    rows = con.execute("SELECT phase, reviews, reviewed, done, follow_up_past_due FROM mart.roadmap_status "
                       "ORDER BY phase_order").fetchall()
    assert rows == [("set_vision", 2, True, "Vision shared", False), ("assess_needs", 0, False, None, False),
                    ("create_plan", 0, False, None, False), ("implement", 0, False, None, False),
                    ("monitor_adjust", 0, False, None, False)]
