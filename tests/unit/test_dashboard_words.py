"""What the plans and scorecard pages say: words for codes, changes by the metric's direction,
sparklines on a stated scale, a goal's dated points, its supporting goals and its two targets."""
import datetime as dt
from types import SimpleNamespace

import pytest

from dashboards.components import formatting as fmt
from dashboards.components.goals import (
    current_date, goal_points, history_points, supporting_goals, targets_text,
)
from dashboards.components.labels import (
    CADENCE, GOAL_STATUS, STAGES, STEP_STATUS, TASK_STATUS, TIMING, code_label, goal_status, problem_label,
)
from dashboards.components.tiles import spark_heights, spark_scale
from data_contracts.contract import load_contracts

D = dt.date


def test_plan_codes_read_as_words():
    assert code_label("on_time", TIMING) == "on time"
    assert code_label("open", TIMING) == "not yet due"
    assert code_label("not_started", STEP_STATUS) == "not started"
    assert code_label("stage_1", STAGES) == "Stage 1"
    assert code_label("prepare", STAGES) == "Preparation"
    assert code_label("overdue", TASK_STATUS) == "overdue"
    assert code_label("missed", CADENCE) == "missed"
    assert goal_status("at_risk") == ("near", "!", "at risk")
    assert goal_status("off_track")[2] == "off track"
    # a code no map knows still reads as words, never with underscores
    assert code_label("paused_for_review", TIMING) == "Paused for review"
    assert goal_status("new_status")[2] == "new status"
    assert code_label(None, TIMING) == ""


def test_every_code_a_plan_file_allows_has_its_word():
    contracts = load_contracts()
    allowed = {c.name: c for c in contracts["action_steps"].columns}["status"].allowed
    assert set(allowed) <= set(STEP_STATUS)
    stages = {c.name: c for c in contracts["plan_schedule"].columns}["stage"].allowed
    assert set(stages) <= set(STAGES)
    # the goal statuses of assets/plans/goal_progress.sql and the query layer's 'suppressed'
    assert {"met", "on_track", "at_risk", "off_track", "no_data", "no_metric", "not_measurable",
            "suppressed"} <= set(GOAL_STATUS)


def test_alignment_problems_read_as_sentences():
    assert problem_label("smart_goal_missing_target_date") == "SMART goal without its target date"
    assert problem_label("smart_goal_missing_metric") == "SMART goal without its metric"
    assert problem_label("strategy_missing_if") == 'strategy without its "If we..."'
    assert problem_label("plc_without_smart_goal") == "PLC without a SMART goal"
    assert problem_label("action_step_overdue") == "action step overdue"


def test_a_fall_in_chronic_absence_is_better_and_a_fall_in_attendance_worse():
    # chronic absence is lower-is-better: -0.012 is 1.2 points fewer chronically absent students
    assert fmt.change_by_direction(-0.012, "share", "lower") == ("▼ 1.2 pts, better", "better")
    assert fmt.change_by_direction(-0.003, "share", "higher") == ("▼ 0.3 pts, worse", "worse")
    assert fmt.change_by_direction(0.021, "share", "lower") == ("▲ 2.1 pts, worse", "worse")
    assert fmt.change_by_direction(0.039, "share", "higher") == ("▲ 3.9 pts, better", "better")
    # hours of mandatory PD, a ceiling: half an hour more is worse
    assert fmt.change_by_direction(0.5, "hours", "lower") == ("▲ 0.5 h, worse", "worse")
    assert fmt.change_by_direction(0.0, "share", "higher") == ("▶ no change", "same")
    # -0.04 h shows as 0.0 h: too small to call better or worse
    assert fmt.change_by_direction(-0.04, "hours", "higher") == ("▶ no change", "same")
    assert fmt.change_by_direction(-0.0004, "share", "lower") == ("▶ no change", "same")
    assert fmt.change_by_direction(None, "share", "lower") == ("no prior year", "same")


def test_sparkline_bars_span_the_values_own_range():
    # 94.9% and 95.3%: the lowest at 15% of the box, the highest at 100%
    heights, low, high = spark_heights([0.949, 0.953])
    assert heights == pytest.approx([15.0, 100.0])
    assert (low, high) == (0.949, 0.953)
    assert spark_scale(low, high, "share") == "bars from 94.9% (low) to 95.3% (high)"
    # a year without a value stays a gap; 95.1% is half way: 15 + 85 * 0.002 / 0.004 = 57.5
    heights, _, _ = spark_heights([0.949, None, 0.951, 0.953])
    assert heights[1] is None and heights[2] == pytest.approx(57.5)
    # one value (or equal ones) cannot have a range: a middle bar, said in words
    assert spark_heights([0.5, 0.5]) == ([60.0, 60.0], 0.5, 0.5)
    assert spark_scale(0.5, 0.5, "share") == "every year: 50.0%"
    assert spark_scale(0.898, 0.898, "share", years=1) == "one year: 89.8%"
    assert spark_heights([None]) == ([None], None, None)


def goal(**changes):
    row = dict(goal_id="G1", baseline_value=0.48, baseline_date=D(2025, 6, 30), target_value=0.7,
               target_date=D(2028, 6, 30), as_of=D(2026, 12, 7), expected_value=0.5838,
               current_year=2026, current_value=0.405, child_goals=3, children_met=1, children_on_track=0,
               children_at_risk=0, children_off_track=0, children_unmeasured=2, scorecard_target=0.8)
    row.update(changes)
    return SimpleNamespace(**row)


def test_a_goals_current_value_is_dated_at_the_end_of_its_school_year():
    # 2025-26's value, read on 2026-12-07: as of 2026-06-30, not today
    points = {p["name"]: p for p in goal_points(goal())}
    assert points["current"]["date"] == D(2026, 6, 30) and points["current"]["value"] == 0.405
    assert points["baseline"]["date"] == D(2025, 6, 30) and points["target"]["date"] == D(2028, 6, 30)
    assert points["expected"]["date"] == D(2026, 12, 7)
    # a school year still in progress (2026-27 read on 2026-12-07) is as of the as-of date
    assert current_date(goal(current_year=2027)) == D(2026, 12, 7)
    # no current value: no current point (the chart says so in words)
    assert "current" not in {p["name"] for p in goal_points(goal(current_value=None, current_year=None))}


def test_each_school_years_value_is_dated_at_its_end_and_a_missing_one_left_out():
    # read on 2026-12-07: 2024-25 at 2025-06-30, 2025-26 hidden (left out), 2026-27 in progress
    # as of 2026-12-07
    points = history_points([2025, 2026, 2027], [0.4, None, 0.45], D(2026, 12, 7))
    assert [(p["date"], p["value"], p["school_year"]) for p in points] == [
        (D(2025, 6, 30), 0.4, 2025), (D(2026, 12, 7), 0.45, 2027)]
    assert history_points([], [], D(2026, 12, 7)) == []


def test_supporting_goals_add_up_with_no_data_for_the_rest():
    assert supporting_goals(goal()) == "Supporting goals: 3 (1 met, 0 on track, 0 at risk, 0 off track, 2 no data)"
    assert supporting_goals(goal(child_goals=0, children_met=0, children_unmeasured=0)) == \
        "Supporting goals: 0 (0 met, 0 on track, 0 at risk, 0 off track, 0 no data)"


def test_a_goal_target_that_differs_from_the_scorecards_names_both():
    assert targets_text(goal(target_value=0.92, target_date=D(2027, 6, 30), scorecard_target=0.95), "share") == \
        "goal target 92.0% by 2027-06-30 · scorecard target 95.0%"
    assert targets_text(goal(target_value=0.95, target_date=D(2027, 6, 30), scorecard_target=0.95), "share") == \
        "goal target 95.0% by 2027-06-30 (the scorecard's too)"
    assert targets_text(goal(target_value=12, target_date=D(2027, 6, 30), scorecard_target=None), "hours") == \
        "goal target 12.0 h by 2027-06-30"
