"""`alignboard plans check` and `alignboard export goals` on a hand-built warehouse."""
import csv
import json

import duckdb
import pytest

from pipelines.cli import main
from tests.unit.metrics_fixture import build_district, build_marts
from tests.unit.plans_fixture import changed, clean_plans, create_plan_tables


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("plans_cli") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    build_district(con)
    create_plan_tables(con, changed(clean_plans(), "plan_strategies", "ST1", and_students=None))
    build_marts(con)
    con.close()
    return path


def test_check_lists_problems_as_json_with_their_ids(warehouse, capsys):
    # A2 (due 2026-03-01, in progress) is overdue on 2026-03-02; ST1 has no "And"
    assert main(["plans", "check", "--warehouse", str(warehouse), "--as-of", "2026-03-02", "--format", "json"]) == 0
    problems = json.loads(capsys.readouterr().out)
    assert problems == [
        {"problem": "action_step_overdue",
         "detail": "action step A2 of goal DG1 (owner DLT) was due 2026-03-01 and is in progress",
         "plan_id": "PD", "goal_id": "DG1", "strategy_id": "ST1", "action_id": "A2", "entity_id": "D1"},
        {"problem": "strategy_missing_and",
         "detail": 'strategy ST1 (goal DG1) has no "And ..." (student outcomes)',
         "plan_id": "PD", "goal_id": "DG1", "strategy_id": "ST1", "entity_id": "D1"},
    ]


def test_strict_exits_3_only_when_there_is_a_problem(warehouse, capsys):
    args = ["plans", "check", "--warehouse", str(warehouse), "--strict"]
    assert main([*args, "--as-of", "2026-03-02"]) == 3
    assert main([*args, "--as-of", "2026-03-01"]) == 3  # the strategy is still missing its "And"
    out = capsys.readouterr().out
    assert "strategy_missing_and" in out and "1 problem(s): strategy_missing_and 1" in out


def test_check_errors_are_one_line(tmp_path, capsys):
    assert main(["plans", "check", "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("alignboard plans: warehouse not found") and "\n" not in err
    with pytest.raises(SystemExit) as stop:
        main(["plans", "check", "--as-of", "2026-02-30"])
    assert stop.value.code == 2
    assert "not a date (YYYY-MM-DD): '2026-02-30'" in capsys.readouterr().err


def test_export_goals_writes_every_goal_with_a_metric(warehouse, tmp_path):
    out = tmp_path / "goals.csv"
    assert main(["export", "goals", "--warehouse", str(warehouse), "--as-of", "2026-01-15", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    # DG1, TG1, SG1, SG2, PG1, PG2, CG1 have a metric; the objective DG1-O1 has none
    assert [r["goal_id"] for r in rows] == ["CG1", "DG1", "PG1", "PG2", "SG1", "SG2", "TG1"]
    sg1 = next(r for r in rows if r["goal_id"] == "SG1")
    # attendance at S1 57/65 has met the target 0.6; not public: the value is not suppressed
    assert (sg1["current_value"], sg1["status"]) == (str(57 / 65), "met")
    public = tmp_path / "public.csv"
    assert main(["export", "goals", "--warehouse", str(warehouse), "--as-of", "2026-01-15", "--out", str(public),
                 "--public"]) == 0
    sg1 = next(r for r in csv.DictReader(public.open()) if r["goal_id"] == "SG1")
    assert (sg1["current_value"], sg1["status"]) == ("", "suppressed")
