"""the query layer (dashboards/queries) plan functions on a hand-built warehouse file: the district of
metrics_fixture with the plans of plans_fixture, scoped by the viewer.

School S1's scope: D1 above it; S1, P1, C1, C2 (and C9 of 2025) below it. S2, P2, C3 and the
departments are outside it.
"""
import datetime as dt

import duckdb
import pandas as pd
import pytest

from dashboards import queries
from tests.unit.metrics_fixture import build_district, build_marts
from tests.unit.plans_fixture import D, changed, clean_plans, create_plan_tables

AS_OF = D(2026, 1, 15)
S1 = queries.Viewer("school", "S1")
S2 = queries.Viewer("school", "S2")


def plans() -> dict:
    p = changed(clean_plans(), "plan_goals", "SG2", parent_goal_id=None)  # S2: parent_missing + not aligned
    p = changed(p, "plan_goals", "PG1", metric_id=None)  # P1: smart_goal_missing_metric
    p["action_steps"] = p["action_steps"] + [
        ("A3", "SG1", None, 1, "S1 step", "BLT", D(2025, 8, 1), D(2025, 12, 1), D(2025, 12, 10), "complete"),
        ("A4", "SG2", None, 1, "S2 step", "BLT", D(2025, 8, 1), D(2025, 12, 1), None, "in_progress"),
    ]
    p["plan_schedule"] = [
        ("PD", "stage_1", "Collect data", "DLT", D(2025, 9, 1), D(2025, 9, 11)),
        ("PD", "stage_1", "Complete the framework", "DLT", D(2025, 10, 1), None),
        ("PS2", "stage_2", "SMART goals", "BLT", D(2025, 11, 1), D(2025, 10, 30)),
    ]
    return p


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("plans") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    build_district(con)
    create_plan_tables(con, plans())
    build_marts(con)
    con.close()
    return path


def test_alignment_problems_are_scoped_to_the_viewer(warehouse):
    def seen(viewer):
        frame = queries.plan_alignment(viewer, warehouse=warehouse, as_of=AS_OF)
        return set(zip(frame["problem"], frame["entity_id"]))

    s2 = {("parent_missing", "S2"), ("school_plan_not_aligned", "S2"), ("action_step_overdue", "S2")}  # A4
    p1 = {("smart_goal_missing_metric", "P1")}
    assert seen(queries.Viewer.analyst()) == s2 | p1
    assert seen(S1) == p1
    assert seen(S2) == s2


def test_goal_progress_returns_no_goal_owned_outside_the_scope(warehouse):
    frame = queries.goal_progress(S1, AS_OF, warehouse=warehouse)
    assert set(frame["goal_id"]) == {"DG1", "DG1-O1", "SG1", "PG1", "CG1"}  # not TG1 (TRN), SG2, PG2 (S2)
    teacher = queries.goal_progress(queries.Viewer("classroom", "C1"), AS_OF, warehouse=warehouse)
    assert set(teacher["goal_id"]) == {"DG1", "DG1-O1", "SG1", "PG1", "CG1"}
    other = queries.goal_progress(queries.Viewer("classroom", "C3"), AS_OF, warehouse=warehouse)
    assert set(other["goal_id"]) == {"DG1", "DG1-O1", "SG2", "PG2"}


def test_a_parent_counts_only_the_supporting_goals_the_viewer_sees_by_the_status_they_see(warehouse):
    # DG1 is supported by DG1-O1 and TG1 (Transportation; SG2's link is cut in plans() above);
    # DG1-O1 by SG1 (S1),
    # whose value 57/65 rests on 7 students: hidden from S1's staff, shown to S1's insiders (met)
    def counts(viewer, goal):
        row = queries.goal_progress(viewer, AS_OF, warehouse=warehouse).set_index("goal_id").loc[goal]
        return (row["child_goals"], row["children_met"], row["children_unmeasured"])

    assert counts(queries.Viewer.analyst(), "DG1")[0] == 2
    assert counts(S1, "DG1")[0] == 1  # TG1 is outside S1's scope: not counted
    assert counts(S1, "DG1-O1") == (1, 0, 1)  # SG1's status is hidden, so it is not counted as met
    assert counts(queries.Viewer("school", "S1", may_see_students=True), "DG1-O1") == (1, 1, 0)


def test_goal_progress_blanks_a_suppressed_current_value(warehouse):
    # SG1: attendance at S1 in 2026 is 57/65 (7 students, under the minimum n of 10: suppressed);
    # baseline 0.5 -> target 0.6 by 2026-06-30, so 57/65 = 0.877 has met it.
    insider = queries.goal_progress(queries.Viewer("school", "S1", may_see_students=True), AS_OF, warehouse=warehouse)
    row = insider.set_index("goal_id").loc["SG1"]
    assert (row["current_value"], row["status"]) == (pytest.approx(57 / 65), "met")
    outsider = queries.goal_progress(S1, AS_OF, warehouse=warehouse).set_index("goal_id").loc["SG1"]
    assert pd.isna(outsider["current_value"]) and outsider["status"] == "suppressed"
    public = queries.goal_progress(queries.Viewer.analyst(), AS_OF, warehouse=warehouse, public=True)
    assert public.set_index("goal_id").loc["SG1", "status"] == "suppressed"


def test_goal_progress_csv_has_the_export_columns(warehouse, tmp_path):
    out = tmp_path / "goals.csv"
    rows = queries.write_goal_progress_csv(queries.Viewer.analyst(), out, as_of=AS_OF, warehouse=warehouse)
    lines = out.read_text().splitlines()
    assert lines[0] == ",".join(queries.GOAL_PROGRESS_COLUMNS)
    # every goal with a metric: DG1, TG1, SG1, SG2, PG2, CG1 (PG1 lost its metric; DG1-O1 has none)
    assert rows == len(lines) - 1 == 6
    sg1 = next(line for line in lines if line.startswith("SG1,"))
    # expected on 2026-01-15: 0.5 + 0.1 * 199 / 365 (d = 2025-06-30 .. 2026-01-15, D = 365)
    assert sg1.split(",")[7:12] == ["2025-06-30", "0.6", "2026-06-30", str(57 / 65), str(round(0.5 + 0.1 * 199 / 365, 9))]


def test_action_steps_by_owner_with_timing(warehouse):
    frame = queries.action_steps(S1, warehouse=warehouse, as_of=AS_OF)
    # A1 done 9/30 due 10/1: on time; A2 due 2026-03-01: open; A3 done 12/10 due 12/1: late (9 days)
    assert list(zip(frame["action_id"], frame["timing"], frame["days_late"])) == [
        ("A1", "on_time", 0), ("A2", "open", 0), ("A3", "late", 9)]
    s2 = queries.action_steps(S2, warehouse=warehouse, as_of=AS_OF).set_index("action_id")
    assert set(s2.index) == {"A1", "A2", "A4"}
    # A4 due 2025-12-01, in progress on 2026-01-15: overdue by 45 days
    assert (s2.loc["A4", "timing"], s2.loc["A4", "days_late"]) == ("overdue", 45)


def test_plan_schedule_slippage(warehouse):
    frame = queries.plan_schedule(S1, warehouse=warehouse, as_of=AS_OF)
    # PD only (PS2 is S2's): "Collect data" 10 days late; "Complete the framework" open since
    # 2025-10-01: 106 days by 2026-01-15; stage_1 mean (10 + 106) / 2 = 58, max 106, 1 overdue
    assert list(zip(frame["task"], frame["task_status"], frame["slippage_days"])) == [
        ("Collect data", "complete", 10), ("Complete the framework", "overdue", 106)]
    assert (frame["stage_mean_slippage_days"].iloc[0], frame["stage_max_slippage_days"].iloc[0],
            frame["stage_tasks_overdue"].iloc[0]) == (58, 106, 1)
    s2 = queries.plan_schedule(S2, warehouse=warehouse, as_of=AS_OF)
    # "SMART goals" done 2 days early
    assert s2.set_index("task").loc["SMART goals", "slippage_days"] == -2


def test_meeting_cadence_by_team(warehouse):
    frame = queries.meeting_cadence(S1, warehouse=warehouse)
    # metrics_fixture, as of 2026-01-15: DLT 2/2 met; BLT S1 2/4; PLC P1 3/4; CLC C1 3/5, C2 0/4
    assert list(zip(frame["team"], frame["entity_id"], frame["periods_met"], frame["periods"], frame["cadence"])) == [
        ("DLT", "D1", 2, 2, "met"), ("BLT", "S1", 2, 4, "missed"), ("PLC", "P1", 3, 4, "missed"),
        ("CLC", "C1", 3, 5, "missed"), ("CLC", "C2", 0, 4, "missed")]


def test_a_warehouse_without_plan_tables_says_so(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    build_district(con)
    con.close()
    with pytest.raises(queries.DataError, match="has no staging.plans"):
        queries.plan_alignment(queries.Viewer.analyst(), warehouse=path, as_of=dt.date(2026, 1, 1))


def test_a_goal_carries_its_scorecard_target_and_its_supporting_goals_add_up(warehouse):
    from dashboards.components.goals import supporting_goals, targets_text

    goals = queries.goal_progress(queries.Viewer.analyst(), AS_OF, warehouse=warehouse).set_index("goal_id")
    # SG1 aims at 60% attendance by 2026-06-30; S1's scorecard target for attendance is 95%
    sg1 = goals.loc["SG1"]
    assert sg1["scorecard_target"] == pytest.approx(0.95)
    assert targets_text(sg1, "share") == "goal target 60.0% by 2026-06-30 · scorecard target 95.0%"
    # DG1 aims at 95% by 2028-06-30, the district scorecard's target too
    assert targets_text(goals.loc["DG1"], "share") == "goal target 95.0% by 2028-06-30 (the scorecard's too)"
    # DG1 is supported by DG1-O1 (an objective: no metric) and TG1 (on-time routes 96% in 2026
    # against a 60% target: met)
    assert supporting_goals(goals.loc["DG1"]) == \
        "Supporting goals: 2 (1 met, 0 on track, 0 at risk, 0 off track, 1 no data)"
    counted = goals[["children_met", "children_on_track", "children_at_risk", "children_off_track",
                     "children_unmeasured"]].sum(axis=1)
    assert (counted == goals["child_goals"]).all()


def test_the_goals_export_judges_the_as_of_years_goals_on_their_year_to_date(warehouse, tmp_path):  # noqa: F811
    import csv
    import datetime as dt

    out = tmp_path / "goals.csv"
    queries.write_goal_progress_csv(queries.Viewer.analyst(), out, as_of=dt.date(2025, 9, 5), warehouse=warehouse)
    dg1 = next(r for r in csv.DictReader(out.open()) if r["goal_id"] == "DG1")
    # DG1 is district attendance (target 95%); on 2025-09-05 the year to date is 44 of 45 days
    # (s02 absent one of five, the eight others present five of five) = 97.8%: met, as the Plans
    # page judges it; the whole year's 81 of 91 = 89.0% is not what the export shows
    assert round(float(dg1["current_value"]), 4) == round(44 / 45, 4)
    assert dg1["status"] == "met"
