"""Alignment checks on hand-built plans: the clean set has no problem, and each defect yields
exactly the problems a person expects (plans_fixture.py draws the plan tree)."""
import duckdb
import pytest

from assets.metrics.catalog import load_catalog
from assets.plans.engine import alignment_query, build_plan_alignment
from tests.unit.metrics_fixture import build_district
from tests.unit.plans_fixture import AS_OF, D, changed, clean_plans, create_plan_tables


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(config_path="")


def problems(plans, catalog, as_of=AS_OF) -> set[tuple]:
    con = duckdb.connect()
    build_district(con)
    create_plan_tables(con, plans)
    sql, params = alignment_query(as_of, catalog)
    rows = con.execute(sql, params).fetchall()
    # (problem, entity_id, the most specific id)
    return {(r[0], r[3], r[7] or r[6] or r[5] or r[4]) for r in rows}


def test_the_clean_plans_have_no_problem(catalog):
    assert problems(clean_plans(), catalog) == set()


def test_no_plans_loaded_means_no_coverage_problems(catalog):
    assert problems({}, catalog) == set()


def test_a_goal_below_the_district_without_parent(catalog):
    plans = changed(clean_plans(), "plan_goals", "SG2", parent_goal_id=None)
    # S2's plan then serves no district goal either
    assert problems(plans, catalog) == {("parent_missing", "S2", "SG2"), ("school_plan_not_aligned", "S2", None)}


def test_a_parent_that_does_not_exist(catalog):
    plans = changed(clean_plans(), "plan_goals", "PG2", parent_goal_id="SG9")
    assert problems(plans, catalog) == {("parent_not_found", "P2", "PG2")}


def test_a_parent_that_is_not_one_layer_up(catalog):
    plans = changed(clean_plans(), "plan_goals", "CG1", parent_goal_id="SG1")  # classroom -> school
    assert problems(plans, catalog) == {("parent_wrong_layer", "C1", "CG1")}
    plans = changed(clean_plans(), "plan_goals", "TG1", parent_goal_id="SG1")  # department -> school
    assert problems(plans, catalog) == {("parent_wrong_layer", "TRN", "TG1")}


def test_a_school_goal_may_serve_a_department_goal(catalog):
    plans = changed(clean_plans(), "plan_goals", "SG2", parent_goal_id="TG1")
    assert problems(plans, catalog) == set()


@pytest.mark.parametrize("column, part", [
    ("metric_id", "metric"), ("student_group", "student_group"), ("baseline_value", "baseline"),
    ("baseline_date", "baseline_date"), ("target_value", "target"), ("target_date", "target_date"),
])
def test_a_smart_goal_missing_a_part(catalog, column, part):
    plans = changed(clean_plans(), "plan_goals", "PG1", **{column: None})
    assert problems(plans, catalog) == {(f"smart_goal_missing_{part}", "P1", "PG1")}


def test_a_target_date_not_after_the_baseline_date(catalog):
    same_day = changed(clean_plans(), "plan_goals", "CG1", target_date=D(2025, 6, 30))
    assert problems(same_day, catalog) == {("target_date_not_after_baseline", "C1", "CG1")}


@pytest.mark.parametrize("metric, known", [
    ("proficiency_rate.ela", True), ("kpi.on_time_routes", True), ("percent_favorable.student.belonging", True),
    ("attendance", False), ("attendance_rate.ela", False), ("proficiency_rate", False),
])
def test_a_goal_on_a_metric_outside_the_catalog(catalog, metric, known):
    plans = changed(clean_plans(), "plan_goals", "SG1", metric_id=metric)
    assert problems(plans, catalog) == (set() if known else {("metric_unknown", "S1", "SG1")})


def test_a_goal_on_an_unknown_student_group(catalog):
    plans = changed(clean_plans(), "plan_goals", "SG1", student_group="race:black")
    assert problems(plans, catalog) == {("student_group_unknown", "S1", "SG1")}
    plans = changed(clean_plans(), "plan_goals", "SG1", student_group="race_ethnicity:black")
    assert problems(plans, catalog) == set()


@pytest.mark.parametrize("column, part", [
    ("if_we", "if"), ("then_adults", "then"), ("and_students", "and"), ("evidence_metric_ids", "evidence"),
])
def test_a_strategy_missing_part_of_its_theory_of_action(catalog, column, part):
    plans = changed(clean_plans(), "plan_strategies", "ST1", **{column: None})
    assert problems(plans, catalog) == {(f"strategy_missing_{part}", "D1", "ST1")}


def test_a_strategy_with_an_unknown_evidence_metric(catalog):
    plans = changed(clean_plans(), "plan_strategies", "ST1", evidence_metric_ids="attendance_rate|grit_score")
    assert problems(plans, catalog) == {("strategy_evidence_unknown", "D1", "ST1")}


def test_a_school_without_a_plan(catalog):
    plans = clean_plans()
    plans["plans"] = [p for p in plans["plans"] if p[0] != "PS2"]
    plans["plan_goals"] = [g for g in plans["plan_goals"] if g[0] != "SG2"]
    plans = changed(plans, "plan_goals", "PG2", parent_goal_id="SG1")
    assert problems(plans, catalog) == {("school_without_plan", "S2", None)}


def test_a_plc_without_a_smart_goal(catalog):
    plans = changed(clean_plans(), "plan_goals", "PG2", kind="goal")
    assert problems(plans, catalog) == {("plc_without_smart_goal", "P2", None)}


def test_a_district_goal_nobody_serves(catalog):
    plans = clean_plans()
    plans["plan_goals"].append(("DG2", "PD", None, "goal", "Belonging", None, None, None, None, None, None))
    assert problems(plans, catalog) == {("district_goal_unsupported", "D1", "DG2")}


def test_a_plan_of_an_unknown_owner(catalog):
    plans = clean_plans()
    plans["plans"].append(("PX", "school", "S9", "SIP S9", 2026, 2026))
    plans["plan_goals"].append(("XG1", "PX", "DG1", "goal", "x", None, None, None, None, None, None))
    assert problems(plans, catalog) == {("plan_owner_unknown", "S9", "PX")}


def test_an_action_step_past_due_and_not_complete(catalog):
    # A2 is due 2026-03-01 and in progress: not past due on 2026-01-15, past due on 2026-03-02
    assert problems(clean_plans(), catalog, as_of=D(2026, 3, 1)) == set()
    assert problems(clean_plans(), catalog, as_of=D(2026, 3, 2)) == {("action_step_overdue", "D1", "A2")}


def test_the_mart_has_one_row_per_problem_with_a_sentence(catalog):
    con = duckdb.connect()
    build_district(con)
    create_plan_tables(con, changed(clean_plans(), "plan_goals", "PG1", metric_id=None, baseline_value=None))
    assert build_plan_alignment(con, AS_OF, catalog) == 2
    rows = con.execute("SELECT problem, detail, plan_id, goal_id FROM mart.plan_alignment ORDER BY problem").fetchall()
    assert rows == [
        ("smart_goal_missing_baseline", "SMART goal PG1 (PG1 goal) has no baseline", "PP1", "PG1"),
        ("smart_goal_missing_metric", "SMART goal PG1 (PG1 goal) has no metric", "PP1", "PG1"),
    ]
