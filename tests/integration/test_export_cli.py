"""`alignboard export metrics|scorecard` on a warehouse file with the hand-built district
(tests/unit/metrics_fixture.py) whose marts the Dagster assets built: the CSV reproduces the
DESIGN.md definitions computed by hand."""
import csv

import dagster as dg
import duckdb
import pytest

from assets.metrics.assets import metric_assets
from assets.metrics.dashboard_assets import metric_cells
from pipelines.cli import main
from assets.resources import WarehouseResource
from tests.unit.metrics_fixture import build_district

HEADER = ["metric_id", "metric_version", "school_year", "period", "level", "entity_id", "student_group",
          "numerator", "denominator", "value", "suppressed", "suppression_reason", "value_range"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        build_district(con, with_plans=True)
    result = dg.materialize([*metric_assets, metric_cells], resources={"warehouse": WarehouseResource(path=str(path))})
    assert result.success
    rows = {str(e.asset_key.path): e.materialization.metadata["rows"].value
            for e in result.get_asset_materialization_events()}
    with duckdb.connect(str(path), read_only=True) as con:
        assert rows["['mart', 'metric_values']"] == con.execute("SELECT count(*) FROM mart.metric_values").fetchone()[0]
        # the fixture's 2026 schools S1, S2 and classrooms C1, C2, C3 (C9 is 2025), all students
        cells = con.execute(
            """SELECT level, entity_id FROM mart.metric_values WHERE metric_id = 'attendance_rate'
               AND school_year = 2026 AND student_group = 'all' AND level IN ('school', 'classroom')
               AND period = 'year' ORDER BY ALL"""
        ).fetchall()
    assert cells == [("classroom", "C1"), ("classroom", "C2"), ("classroom", "C3"), ("school", "S1"), ("school", "S2")]
    return path


def _export(tmp_path, warehouse, *options) -> list[dict]:
    out = tmp_path / "metrics.csv"
    assert main(["export", "metrics", "--warehouse", str(warehouse), "--out", str(out), *options]) == 0
    with out.open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == HEADER
        return list(reader)


def _find(rows, metric, level, entity, group="all", year="2026", period="year") -> dict:
    (row,) = [r for r in rows if (r["metric_id"], r["level"], r["entity_id"], r["student_group"],
                                  r["school_year"], r["period"]) == (metric, level, entity, group, year, period)]
    return row


def test_metrics_csv_has_exactly_the_mart_columns_and_hand_computed_values(tmp_path, warehouse):
    rows = _export(tmp_path, warehouse)
    # S1 attendance: 57 attended of 65 enrolled days
    s1 = _find(rows, "attendance_rate", "school", "S1")
    assert (s1["numerator"], s1["denominator"], float(s1["value"])) == ("57", "65", 57 / 65)
    # 7 students, under the minimum n of 10: the analyst, who may see students, sees it exactly
    assert (s1["metric_version"], s1["period"], s1["suppressed"], s1["suppression_reason"]) == ("2", "year", "N", "")
    public = _find(_export(tmp_path, warehouse, "--public"), "attendance_rate", "school", "S1")
    assert (public["value"], public["suppressed"], public["suppression_reason"]) == ("", "Y", "fewer than 10 students")
    # exactly 10% absent is chronic; 9 enrolled days are excluded: district 3 of 8
    d1 = _find(rows, "chronic_absence_rate", "district", "D1")
    assert (d1["numerator"], d1["denominator"]) == ("3", "8")
    # Hispanic + white counts as hispanic_latino; asian + white as two_or_more
    assert _find(rows, "attendance_rate", "district", "D1", "race_ethnicity:hispanic_latino")["numerator"] == "9"
    assert _find(rows, "attendance_rate", "district", "D1", "race_ethnicity:two_or_more")["value"] == "1"
    # student-level rows are in the analyst's export, with hours and KPIs as they are
    assert _find(rows, "attendance_rate", "student", "s03")["value"] == "1"
    assert _find(rows, "mandatory_pd_hours", "school", "S1")["numerator"] == "6.5"
    kpi = _find(rows, "kpi.on_time_routes", "department", "TRN")
    assert (kpi["numerator"], kpi["denominator"], kpi["value"]) == ("", "", "0.96")


def test_public_export_blanks_every_suppressed_cell(tmp_path, warehouse):
    rows = _export(tmp_path, warehouse, "--public")
    assert not any(r["level"] == "student" for r in rows)
    hidden = [r for r in rows if r["suppressed"] == "Y"]
    assert hidden and all(r["numerator"] == r["denominator"] == r["value"] == "" for r in hidden)
    assert all(r["suppression_reason"] for r in hidden)
    shown = _find(rows, "walkthrough_lookfor_rate.standards", "school", "S1")
    assert (shown["numerator"], shown["denominator"], shown["value"]) == ("1", "2", "0.5")


def test_filters(tmp_path, warehouse):
    rows = _export(tmp_path, warehouse, "--level", "school", "--metric", "proficiency_rate", "--year", "2026")
    assert {(r["metric_id"], r["level"], r["school_year"]) for r in rows} == {
        ("proficiency_rate.ela", "school", "2026"), ("proficiency_rate.math", "school", "2026")}
    # S1 ELA: the latest result of s01 (proficient) counts -> 2 of 3
    assert _find(rows, "proficiency_rate.ela", "school", "S1")["numerator"] == "2"


def test_stdout_when_no_out_file(warehouse, capsys):
    assert main(["export", "metrics", "--warehouse", str(warehouse), "--metric", "kpi.meal_waste"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # one report (period_end 2026-01-31): the year, January, and every year to date from January on
    # to the newest data date (2026-04-16, a state test)
    periods = ["year", "month:2026-01", "ytd:2026-01-31", "ytd:2026-02-28", "ytd:2026-03-31", "ytd:2026-04-30"]
    assert lines[0] == ",".join(HEADER)
    assert sorted(lines[1:]) == sorted(f"kpi.meal_waste,2,2026,{p},department,NUT,all,,,0.12,N,," for p in periods)


def test_scorecard_prints_one_entity(warehouse, capsys):
    assert main(["export", "scorecard", "--warehouse", str(warehouse), "--level", "department",
                 "--entity", "TRN"]) == 0
    out = capsys.readouterr().out
    assert "Department scorecard: Transportation (TRN), school year 2025-26" in out
    assert "Resources & Operations" in out
    line = next(x for x in out.splitlines() if "kpi.on_time_routes" in x)
    assert "0.96" in line and "on_target" in line and "+0.06" in line


def test_scorecard_csv_public(tmp_path, warehouse):
    out = tmp_path / "card.csv"
    assert main(["export", "scorecard", "--warehouse", str(warehouse), "--level", "school", "--entity", "S1",
                 "--year", "2026", "--public", "--out", str(out)]) == 0
    with out.open(newline="") as handle:
        card = {r["metric_id"]: r for r in csv.DictReader(handle)}
    assert card["attendance_rate"]["status"] == "suppressed" and card["attendance_rate"]["value"] == ""
    assert card["plc_sig_implementing_rate"]["status"] == "near"


def test_errors_are_one_line_with_exit_codes(tmp_path, warehouse, capsys):
    assert main(["export", "metrics", "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    assert capsys.readouterr().err.strip().startswith("alignboard export: warehouse not found")
    assert main(["export", "scorecard", "--warehouse", str(warehouse), "--level", "school", "--entity", "S9"]) == 1
    assert capsys.readouterr().err.strip() == "alignboard export: unknown school 'S9'"
    assert main(["export", "metrics", "--warehouse", str(warehouse), "--metric", "nope"]) == 1
    with pytest.raises(SystemExit) as usage:
        main(["export", "metrics", "--level", "galaxy"])
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as usage:
        main(["export", "scorecard", "--level", "school"])
    assert usage.value.code == 2


# --- as of a day (computed on request) ----------------------------------------------------------

def test_metrics_as_of_a_day_are_the_year_to_date_through_it(tmp_path, warehouse):
    rows = _export(tmp_path, warehouse, "--as-of", "2025-09-05", "--metric", "attendance_rate", "--level", "district")
    assert {(r["level"], r["period"], r["school_year"]) for r in rows} == {("district", "ytd:2025-09-05", "2026")}
    # the first five days: s02 PPPPE 4 of 5, the eight others present 5 of 5 -> 44 of 45 (9 students)
    d1 = _find(rows, "attendance_rate", "district", "D1", period="ytd:2025-09-05")
    assert (d1["numerator"], d1["denominator"], d1["metric_version"]) == ("44", "45", "2")
    # under the minimum n (9 students), shown to the analyst, who may see students
    assert (d1["suppressed"], d1["suppression_reason"]) == ("N", "")


def test_public_metrics_as_of_a_day_blank_the_suppressed_cells(tmp_path, warehouse):
    rows = _export(tmp_path, warehouse, "--as-of", "2025-09-05", "--metric", "attendance_rate", "--public")
    assert rows and not any(r["level"] == "student" for r in rows)
    d1 = _find(rows, "attendance_rate", "district", "D1", period="ytd:2025-09-05")
    assert (d1["numerator"], d1["denominator"], d1["value"], d1["suppressed"], d1["suppression_reason"]) == (
        "", "", "", "Y", "fewer than 10 students")


def test_scorecard_as_of_a_day_prints_the_year_to_date_and_the_change_in_a_year(warehouse, capsys):
    assert main(["export", "scorecard", "--warehouse", str(warehouse), "--level", "school", "--entity", "S1",
                 "--as-of", "2025-09-05"]) == 0
    out = capsys.readouterr().out
    assert "school year 2025-26, year to date as of 2025-09-05" in out
    # S1 34 of 35 = 97.1% by 2025-09-05; 8 of 8 by 2024-09-05 -> -2.9 points
    line = next(x for x in out.splitlines() if x.strip().startswith("attendance_rate "))
    assert "97.1%" in line and "on_target" in line and "-2.9 pts" in line


def test_as_of_errors_are_one_line_with_exit_codes(warehouse, capsys):
    assert main(["export", "metrics", "--warehouse", str(warehouse), "--as-of", "2025-09-05", "--year", "2026"]) == 2
    assert capsys.readouterr().err.strip() == "alignboard export: give --year or --as-of, not both"
    assert main(["export", "scorecard", "--warehouse", str(warehouse), "--level", "school", "--entity", "S9",
                 "--as-of", "2025-09-05"]) == 1
    assert capsys.readouterr().err.strip() == "alignboard export: unknown school 'S9'"
    assert main(["export", "metrics", "--warehouse", str(warehouse), "--as-of", "2025-09-05", "--metric", "nope"]) == 1
    assert "unknown metric 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["export", "metrics", "--as-of", "2025-13-01"])
    assert usage.value.code == 2
