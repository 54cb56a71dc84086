"""the query layer (dashboards/queries), the queries of the dashboard pages, against the hand-built district
(tests/unit/metrics_fixture.py; every expected value is worked out in the comments).

Viewers: an analyst (every district, students), a principal of S1 (no students), a teacher of C1
with students, a PLC lead of P1 without students. Minimum n is 10 everywhere except where a test
says otherwise, so every student cell of this tiny district is suppressed for viewers who may
not see students.
"""
import logging
import os
import shutil

import duckdb
import pandas as pd
import pytest

from dashboards import queries
from dashboards.queries import AccessDenied, DataError, Viewer
from tests.unit.dashboard_fixture import build_dashboard_warehouse, hours_ago, record_loads

ANALYST = Viewer.analyst()
PRINCIPAL = Viewer("school", "S1", may_see_students=False, user="pat")
TEACHER = Viewer("classroom", "C1", may_see_students=True, user="tia")
PLC_LEAD = Viewer("plc", "P1", may_see_students=False, user="lee")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build_dashboard_warehouse(tmp_path_factory.mktemp("dash") / "warehouse.duckdb")


@pytest.fixture
def copy(warehouse, tmp_path):
    """A private copy of the warehouse for a test that changes it."""
    target = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse, target)
    return target


# -- navigation ---------------------------------------------------------------------------------

def test_home_is_the_scope_or_the_first_district(warehouse):
    assert queries.home(ANALYST, warehouse=warehouse) == ("district", "D1")
    assert queries.home(PRINCIPAL, warehouse=warehouse) == ("school", "S1")


def test_children_of_each_layer(warehouse):
    district = queries.children(ANALYST, "district", "D1", warehouse=warehouse)
    # departments first, then schools, each by name
    assert list(zip(district.level, district.entity_id)) == [
        ("department", "NUT"), ("department", "TRN"), ("school", "S1"), ("school", "S2")]
    # a school: its PLC and its classrooms of the latest year (C9 is 2025's)
    school = queries.children(ANALYST, "school", "S1", warehouse=warehouse)
    assert list(zip(school.level, school.entity_id)) == [("plc", "P1"), ("classroom", "C1"), ("classroom", "C2")]
    last_year = queries.children(ANALYST, "school", "S1", warehouse=warehouse, year=2025)
    assert list(last_year.entity_id) == ["P1", "C9"]
    assert list(queries.children(ANALYST, "plc", "P2", warehouse=warehouse).entity_id) == ["C3"]
    assert queries.children(ANALYST, "classroom", "C1", warehouse=warehouse).empty


def test_a_principal_sees_only_their_school_below_the_district(warehouse):
    district = queries.children(PRINCIPAL, "district", "D1", warehouse=warehouse)
    assert list(district.entity_id) == ["S1"]
    tree = queries.entity_tree(PRINCIPAL, warehouse=warehouse, year=2026)
    assert list(zip(tree.level, tree.entity_id)) == [
        ("school", "S1"), ("plc", "P1"), ("classroom", "C1"), ("classroom", "C2")]


def test_breadcrumbs_from_the_district_down(warehouse):
    crumbs = queries.breadcrumbs(TEACHER, "classroom", "C1", warehouse=warehouse)
    assert [(c["level"], c["entity_id"], c["in_scope"]) for c in crumbs] == [
        ("district", "D1", False), ("school", "S1", False), ("plc", "P1", False), ("classroom", "C1", True)]
    assert crumbs[1]["entity_name"] == "Maple Elementary"


def test_entity_outside_scope_is_refused_and_logged(warehouse, caplog):
    with caplog.at_level(logging.WARNING, logger="alignboard.access"):
        with pytest.raises(AccessDenied, match="school 'S2' is not in your scope"):
            queries.scorecard(PRINCIPAL, "school", "S2", warehouse=warehouse)
        with pytest.raises(AccessDenied):
            queries.children(PRINCIPAL, "school", "S2", warehouse=warehouse)
        with pytest.raises(AccessDenied):
            queries.entity(TEACHER, "classroom", "C2", warehouse=warehouse)
    refused = [r.getMessage() for r in caplog.records if r.name == "alignboard.access"]
    assert len(refused) == 3  # every refusal is logged, cached or not
    assert "user='pat'" in refused[0] and "scope=school:S1" in refused[0] and "school 'S2'" in refused[0]
    # a scoped viewer gets the same answer for an unknown id as for one outside the scope, so
    # answers do not tell which ids exist; a district-wide viewer, who has no "outside", is told
    with pytest.raises(AccessDenied, match="school 'S7' is not in your scope"):
        queries.scorecard(PRINCIPAL, "school", "S7", warehouse=warehouse)
    with pytest.raises(DataError, match="unknown school 'S7'") as error:
        queries.scorecard(ANALYST, "school", "S7", warehouse=warehouse)
    assert not isinstance(error.value, AccessDenied)


def test_years_and_groups(warehouse):
    assert queries.years(ANALYST, warehouse=warehouse) == [2025, 2026]
    groups = queries.student_groups(ANALYST, warehouse=warehouse)
    assert groups[0] == "all" and "race_ethnicity:black" in groups and "sex:X" in groups
    assert queries.group_label("race_ethnicity:hispanic_latino") == "Race/ethnicity: hispanic latino"
    assert queries.group_label("all") == "All students"


# -- scorecard ----------------------------------------------------------------------------------

def test_scorecard_for_a_student_group(warehouse):
    card = queries.scorecard(ANALYST, "school", "S1", warehouse=warehouse, year=2026, group="sex:F").set_index("metric_id")
    # girls at S1 in 2026: s01 9 of 10 days, s03 10 of 10 (tardy and early departure attend), s05 8 of 10
    attendance = card.loc["attendance_rate"]
    assert (attendance.numerator, attendance.denominator, attendance.n) == (27, 30, 3)
    assert attendance.value == pytest.approx(0.9)
    # target 0.95, near band 0.02: 0.9 is more than 0.02 below -> off
    assert attendance.status == "off"
    # 2025: s01 10 of 10 -> 1.0; change 0.9 - 1.0
    assert attendance.prior_value == pytest.approx(1.0)
    assert attendance.change_vs_prior == pytest.approx(-0.1)
    assert [(t["school_year"], round(t["value"], 6)) for t in attendance.trend] == [(2025, 1.0), (2026, 0.9)]
    # survey metrics are not cut by student group: no data, never zero
    favorable = card.loc["percent_favorable.student.belonging"]
    assert favorable.status == "no_data" and pd.isna(favorable.value)


def test_scorecard_of_a_group_is_suppressed_for_a_principal(warehouse):
    card = queries.scorecard(PRINCIPAL, "school", "S1", warehouse=warehouse, year=2026, group="sex:F").set_index("metric_id")
    attendance = card.loc["attendance_rate"]
    assert attendance.status == "suppressed" and bool(attendance.suppressed)
    assert attendance.suppression_reason == "fewer than 10 students"
    assert attendance[["value", "numerator", "denominator", "n", "prior_value", "change_vs_prior"]].isna().all()
    assert all(t["value"] is None for t in attendance.trend)


def test_scorecard_tiles_carry_n_definition_and_trend(warehouse):
    card = queries.scorecard(PRINCIPAL, "school", "S1", warehouse=warehouse).set_index("metric_id")
    walk = card.loc["walkthrough_lookfor_rate.empowered_learning"]
    # W1 (C1): I1 yes, I2 no; W2 (C2): I1 yes, I2 yes -> 3 of 4 look-fors in 2 walkthroughs
    assert (walk.value, walk.numerator, walk.denominator, walk.n) == (0.75, 3, 4, 2)
    assert walk.status == "near"  # 0.8 - 0.75 = 0.05 within the 0.1 near band
    assert walk.trend == [{"school_year": 2026, "value": 0.75}]
    assert walk.definition and walk.metric_version == 2 and walk.school_year == 2026
    with pytest.raises(DataError, match="unknown student group 'sex:Q'"):
        queries.scorecard(ANALYST, "school", "S1", warehouse=warehouse, group="sex:Q")


def test_results_are_copies(warehouse):
    first = queries.scorecard(ANALYST, "school", "S1", warehouse=warehouse)
    first["value"] = -1.0
    second = queries.scorecard(ANALYST, "school", "S1", warehouse=warehouse)
    assert (second["value"] != -1.0).all()


def test_cache_follows_the_warehouse_version(copy):
    before = queries.scorecard(ANALYST, "school", "S2", warehouse=copy).set_index("metric_id")
    assert before.loc["attendance_rate", "value"] == pytest.approx(24 / 26)
    # a load writes a build copy and renames it over the published file
    build = copy.with_name("warehouse.duckdb.build-1")
    shutil.copyfile(copy, build)
    con = duckdb.connect(str(build))
    con.execute("UPDATE mart.metric_cells SET value = 0.5 WHERE metric_id = 'attendance_rate' "
                "AND entity_id = 'S2' AND school_year = 2026 AND student_group = 'all'")
    con.close()
    os.replace(build, copy)
    after = queries.scorecard(ANALYST, "school", "S2", warehouse=copy).set_index("metric_id")
    assert after.loc["attendance_rate", "value"] == 0.5


# -- metric detail ------------------------------------------------------------------------------

def test_metric_trend_over_the_years(warehouse):
    trend = queries.metric_trend(ANALYST, "school", "S1", "attendance_rate", warehouse=warehouse)
    # 2025: s01 10/10 and s04 5/10 -> 15/20; 2026: 57/65 (s01 9, s02 4 of 9, s03 10, s04 10, s05 8,
    # s06 10, s09 6 of 6 before the move)
    assert list(trend.school_year) == [2025, 2026]
    assert list(zip(trend.numerator, trend.denominator)) == [(15, 20), (57, 65)]
    assert list(trend.n) == [2, 7]


def test_metric_by_group_side_by_side(warehouse):
    groups = queries.metric_by_group(ANALYST, "school", "S1", "attendance_rate", warehouse=warehouse, year=2026)
    assert groups.student_group.iloc[0] == "all"
    black = groups.set_index("student_group").loc["race_ethnicity:black"]
    # s02 4 of 9, s04 10 of 10
    assert (black.numerator, black.denominator, black.n) == (14, 19, 2)
    hidden = queries.metric_by_group(PRINCIPAL, "school", "S1", "attendance_rate", warehouse=warehouse, year=2026)
    assert hidden.suppressed.all()
    assert hidden[["value", "numerator", "denominator", "n"]].isna().all(axis=None)
    assert hidden.group_label.iloc[0] == "All students"


def test_metric_children_compares_schools_in_scope(warehouse):
    kids = queries.metric_children(ANALYST, "district", "D1", "attendance_rate", warehouse=warehouse, year=2026)
    # departments have no attendance: only the schools; S2: s07 10/10, s08 9/10, s09 5 of 6
    assert list(kids.entity_id) == ["S1", "S2"]
    assert list(zip(kids.numerator, kids.denominator)) == [(57, 65), (24, 26)]
    principal = queries.metric_children(PRINCIPAL, "district", "D1", "attendance_rate", warehouse=warehouse, year=2026)
    assert list(principal.entity_id) == ["S1"]
    assert principal.status.tolist() == ["suppressed"]
    with pytest.raises(DataError, match="unknown metric 'attendance'"):
        queries.metric_children(ANALYST, "district", "D1", "attendance", warehouse=warehouse)


def test_metric_info(warehouse):
    info = queries.metric_info(ANALYST, "walkthrough_lookfor_rate.standards", warehouse=warehouse)
    assert info["family"] == "walkthrough_lookfor_rate" and info["target"] == 0.8 and info["unit"] == "share"


# -- needs assessment ---------------------------------------------------------------------------

def test_needs_heatmap_gaps(warehouse):
    heat = queries.needs_heatmap(ANALYST, "school", "S1", warehouse=warehouse, year=2026)
    black = heat[(heat.metric_id == "attendance_rate") & (heat.student_group == "race_ethnicity:black")].iloc[0]
    # black students 14/19 against the other students (57-14)/(65-19) = 43/46; higher is better
    assert black.group_gap == pytest.approx(14 / 19 - 43 / 46)
    assert black.metric_name == "Attendance rate" and black.n == 2
    hidden = queries.needs_heatmap(PRINCIPAL, "school", "S1", warehouse=warehouse, year=2026)
    assert hidden[["value", "n", "group_gap"]].isna().all(axis=None)


def test_needs_assessment_only_for_district_and_schools(warehouse):
    with pytest.raises(DataError, match="district and for schools"):
        queries.needs_assessment(ANALYST, "plc", "P1", warehouse=warehouse)


# -- equity -------------------------------------------------------------------------------------

def test_equity_counts_for_an_analyst(warehouse):
    rows = queries.equity(ANALYST, "school", "S1", warehouse=warehouse, category="mtss_any").set_index("group")
    # S1 2026: black s02, s04 both tier 2/3 -> 2 of 2; white s05, s06 (tier 1 only) -> 0 of 2
    assert (rows.loc["black", "count"], rows.loc["black", "population"]) == (2, 2)
    assert (rows.loc["white", "count"], rows.loc["white", "population"]) == (0, 2)
    assert rows.loc["black", "comparison_count"] == 0 and rows.loc["black", "comparison_population"] == 4
    assert not rows.suppressed.any()
    assert set(rows.lea_name) == {"Maple Elementary"}


def test_equity_hides_small_groups_from_a_principal(warehouse):
    rows = queries.equity(PRINCIPAL, "school", "S1", warehouse=warehouse, category="mtss_any").set_index("group")
    # min cell 1: counts of 0 are below it; black (2 of 2) meets both minimums
    assert (rows.loc["black", "count"], rows.loc["black", "population"]) == (2, 2)
    for group in ("hispanic_latino", "two_or_more", "white"):
        assert rows.loc[group, ["count", "population", "risk", "comparison_risk"]].isna().all()
        assert rows.loc[group, "suppression_reason"] == "fewer than 1 with the outcome or 2 in the group"
    assert rows["comparison_count"].isna().all()
    with pytest.raises(AccessDenied):
        queries.equity(PRINCIPAL, "school", "S2", warehouse=warehouse)


def test_equity_hides_a_second_count_when_one_is_hidden(copy):
    con = duckdb.connect(str(copy))
    # as if only the Hispanic group (0 of 1) missed the minimums at S1 in 2026
    con.execute("UPDATE mart.disparity SET na_reason = NULL WHERE lea_id = 'S1' AND school_year = 2026 "
                "AND category = 'mtss_any' AND \"group\" <> 'hispanic_latino'")
    con.close()
    public = queries.equity(PRINCIPAL, "school", "S1", warehouse=copy, category="mtss_any",
                            public=True).set_index("group")
    # public: the smallest other count too: two_or_more 0 (tied with white 0, first by name), with
    # every measure that would give its count back
    assert public.loc["two_or_more", "suppression_reason"] == "hidden so that another hidden count cannot be worked out"
    assert public.loc["two_or_more", ["count", "population", "risk", "ratio", "risk_difference", "odds_ratio",
                                      "ci_low", "ci_high", "weighted_risk_ratio", "composition"]].isna().all()
    assert public.loc["white", "count"] == 0 and public.loc["black", "count"] == 2
    # staff (a principal): only the group under the minimums is hidden, no complementary cell
    staff = queries.equity(PRINCIPAL, "school", "S1", warehouse=copy, category="mtss_any").set_index("group")
    assert staff["suppressed"].tolist().count(True) == 1 and staff.loc["hispanic_latino", "suppressed"]
    assert staff.loc["two_or_more", "count"] == 0


def test_equity_schools_side_by_side(warehouse):
    rows = queries.equity_schools(ANALYST, "mtss_any", warehouse=warehouse)
    # S2: s07 black tier 2 -> 1 of 1; s08 white -> 0 of 1
    assert set(zip(rows.lea_id, rows.group, rows["count"])) == {
        ("S1", "black", 2), ("S1", "hispanic_latino", 0), ("S1", "two_or_more", 0), ("S1", "white", 0),
        ("S2", "black", 1), ("S2", "white", 0)}
    assert set(queries.equity_schools(PRINCIPAL, "mtss_any", warehouse=warehouse).lea_id) == {"S1"}
    every_year = queries.equity(ANALYST, "district", "D1", warehouse=warehouse, year=0, category="mtss_any")
    assert set(every_year.school_year) == {2025, 2026}
    with pytest.raises(DataError, match="unknown disparity category"):
        queries.equity_schools(ANALYST, "mtss", warehouse=warehouse)


# -- classroom data center and student folder ---------------------------------------------------

def test_cfa_mastery_by_standard(warehouse):
    plc = queries.cfa_mastery(ANALYST, "plc", "P1", warehouse=warehouse)
    cells = {(r.cfa_id, r.standard_code): (r.mastered, r.students) for r in plc.itertuples()}
    # 4.NF.1: s01's retake 8/10 reaches the 0.8 cut, s02 9, s03 10 -> 3 of 3
    # 4.NF.2: s01 7, s02 4, s03 8 -> 1 of 3; CFA2 4.OA.1 (C2): s03 5, s05 9 -> 1 of 2
    assert cells == {("CFA1", "4.NF.1"): (3, 3), ("CFA1", "4.NF.2"): (1, 3), ("CFA2", "4.OA.1"): (1, 2)}
    c2 = queries.cfa_mastery(ANALYST, "classroom", "C2", warehouse=warehouse)
    assert list(zip(c2.cfa_id, c2.mastered, c2.students)) == [("CFA2", 1, 2)]
    hidden = queries.cfa_mastery(PLC_LEAD, "plc", "P1", warehouse=warehouse)
    assert hidden.suppressed.all() and hidden[["students", "mastered", "mastery_rate"]].isna().all(axis=None)
    with pytest.raises(AccessDenied):
        queries.cfa_mastery(TEACHER, "classroom", "C2", warehouse=warehouse)


def test_cfa_students_only_for_viewers_who_may_see_students(warehouse):
    rows = queries.cfa_students(TEACHER, "classroom", "C1", warehouse=warehouse)
    s01 = rows[(rows.student_id == "s01") & (rows.standard_code == "4.NF.1")].iloc[0]
    assert (s01.score, bool(s01.mastered)) == (8, True)  # the retake, not the first try (6)
    assert set(rows.student_id) == {"s01", "s02", "s03"}
    with pytest.raises(AccessDenied):
        queries.cfa_students(PLC_LEAD, "plc", "P1", warehouse=warehouse)
    with pytest.raises(AccessDenied):
        queries.roster(PRINCIPAL, "school", "S1", warehouse=warehouse)
    assert list(queries.roster(TEACHER, "classroom", "C1", warehouse=warehouse).student_id) == ["s01", "s02", "s03", "s04"]


def test_student_folder(warehouse):
    folder = queries.student_folder(TEACHER, "s02", warehouse=warehouse)
    assert folder["student"]["school_name"] == "Maple Elementary"
    assert "race_ethnicity:black" in folder["student"]["groups"]
    attendance = folder["attendance"].iloc[0]
    # PPPPEEUUU: 9 days, 4 attended, 2 excused, 3 unexcused
    assert (attendance.days_enrolled, attendance.days_attended, attendance.excused, attendance.unexcused) == (9, 4, 2, 3)
    assert list(folder["discipline"].action) == ["iss", "oss"]  # newest first
    assert set(zip(folder["interventions"].area, folder["interventions"].tier)) == {("reading", 2), ("math", 3)}
    assert list(folder["assessments"].subject) == ["ELA"]
    assert set(zip(folder["cfa"].standard_code, folder["cfa"].mastered)) == {("4.NF.1", True), ("4.NF.2", False)}


def test_students_of_an_entity_above_the_scope_are_refused_and_logged(warehouse, caplog):
    # the teacher of C1 may see C1's students; S1 and P1 are above C1: aggregates only
    with caplog.at_level(logging.WARNING, logger="alignboard.access"):
        for level, entity in (("school", "S1"), ("plc", "P1")):
            with pytest.raises(AccessDenied):
                queries.roster(TEACHER, level, entity, warehouse=warehouse)
            with pytest.raises(AccessDenied):
                queries.cfa_students(TEACHER, level, entity, warehouse=warehouse)
    assert sum("user='tia'" in r.getMessage() for r in caplog.records) == 4
    assert not queries.cfa_mastery(TEACHER, "school", "S1", warehouse=warehouse).empty  # the aggregates are readable


def test_student_folder_is_refused_outside_scope(warehouse, caplog):
    with caplog.at_level(logging.WARNING, logger="alignboard.access"):
        with pytest.raises(AccessDenied):
            queries.student_folder(TEACHER, "s05", warehouse=warehouse)  # s05 is in C2
        with pytest.raises(AccessDenied):
            queries.student_folder(PRINCIPAL, "s01", warehouse=warehouse)  # no student access
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "student 's05'" in messages and "tia" in messages
    assert "present" not in messages and "black" not in messages  # never student rows
    with pytest.raises(DataError, match="unknown student"):
        queries.student_folder(ANALYST, "s99", warehouse=warehouse)


# -- data quality -------------------------------------------------------------------------------

def test_data_quality_and_banner(copy):
    record_loads(copy, [
        ("students", "loaded", 12, 11, 1, '{"missing:student_id": 1}', None, hours_ago(50)),
        ("students", "loaded", 12, 12, 0, "{}", None, hours_ago(2)),
        ("attendance_daily", "loaded", 100, 100, 0, "{}", None, hours_ago(50)),
        ("attendance_daily", "rejected", 10, 0, 10, '{"file_rejected": 10}', "row count fell by 90%", hours_ago(2)),
    ], [("attendance_daily", "row_count_within_change", None, "10 rows vs 100", hours_ago(2))])
    quality = queries.data_quality(ANALYST, warehouse=copy).set_index("file")
    assert quality.loc["attendance_daily.csv", "status"] == "rejected"
    assert quality.loc["attendance_daily.csv", "reasons"] == {"file_rejected": 10}
    assert quality.loc["attendance_daily.csv", "age_hours"] == pytest.approx(50, abs=0.1)
    assert quality.loc["students.csv", "rows_loaded"] == 12
    assert (quality.loc["plcs.csv", "status"], quality.loc["plcs.csv", "message"]) == ("missing", "never loaded")
    checks = queries.failed_checks(ANALYST, warehouse=copy)
    assert list(checks.expectation) == ["row_count_within_change"]
    text = queries.banner(warehouse=copy)
    assert "attendance_daily.csv" in text and "hours old" not in text  # students loaded 2 hours ago
    assert "hours old" in queries.banner(warehouse=copy, max_age_hours=1)


def test_a_load_with_warnings_is_a_good_load_and_keeps_its_status(copy):
    record_loads(copy, [
        ("students", "loaded", 12, 12, 0, "{}", None, hours_ago(50)),
        # 2 of 12 rows quarantined (17%): loaded, with warnings, 3 hours ago
        ("students", "loaded_with_warnings", 12, 10, 2, '{"orphan:schools": 2}', "students.csv: loaded with warnings",
         hours_ago(3)),
    ], [])
    quality = queries.data_quality(ANALYST, warehouse=copy).set_index("file")
    assert quality.loc["students.csv", "status"] == "loaded_with_warnings"
    assert quality.loc["students.csv", "age_hours"] == pytest.approx(3, abs=0.1)  # not the 50-hour-old load
    assert "hours old" not in (queries.banner(warehouse=copy) or "")


def test_banner_for_stale_data_and_failed_runs(copy):
    record_loads(copy, [("students", "loaded", 12, 12, 0, "{}", None, hours_ago(40))])
    assert "40 hours old" in queries.banner(warehouse=copy)
    assert queries.banner(warehouse=copy, max_age_hours=48) is None
    failures = copy.parent / f"{copy.name}.failures.jsonl"
    failures.write_text('{"run_id": "a1", "job": "nightly_load", "message": "disk full", "failed_at": "x"}\n'
                        '{"run_id": "a2", "job": "nightly_load", "message": "lock", "failed_at": "y"}\n{"run_')
    runs = queries.recent_failures(ANALYST, warehouse=copy)
    assert list(runs.run_id) == ["a1", "a2"]  # the torn last line is skipped


# -- export -------------------------------------------------------------------------------------

def test_export_csv_for_a_principal(warehouse):
    text = queries.metric_values_csv(PRINCIPAL, warehouse=warehouse, metric="attendance_rate", year=2026, group="all")
    lines = text.splitlines()
    assert lines[0] == ",".join(queries.METRIC_VALUE_COLUMNS)
    # every cell of this district is under 10 students: blank numbers, flag and reason
    assert lines[1:] == [f"attendance_rate,1,2026,year,{level},{entity},all,,,,Y,fewer than 10 students,"
                         for level, entity in [("classroom", "C1"), ("classroom", "C2"), ("district", "D1"),
                                               ("plc", "P1"), ("school", "S1")]]


def test_export_csv_for_one_entity(warehouse):
    text = queries.metric_values_csv(ANALYST, warehouse=warehouse, entity="S2", metric="attendance_rate",
                                  year=2026, group="all")
    row = text.splitlines()[1].split(",")
    assert row[:9] == ["attendance_rate", "1", "2026", "year", "school", "S2", "all", "24", "26"]
    assert float(row[9]) == pytest.approx(24 / 26)
    with pytest.raises(AccessDenied):
        queries.metric_values_csv(PRINCIPAL, warehouse=warehouse, entity="S2")
    with pytest.raises(AccessDenied):
        queries.metric_values_csv(PRINCIPAL, warehouse=warehouse, level="student", entity="s01")
    with pytest.raises(DataError, match="unknown entity 'S9'"):
        queries.metric_values_csv(ANALYST, warehouse=warehouse, entity="S9")


def test_csv_text_formats_like_the_export():
    frame = pd.DataFrame({"n": [2.0, None], "value": [0.25, float("nan")], "flag": [True, False],
                          "trend": [[1], [2]]})
    assert queries.csv_text(frame) == "n,value,flag\n2,0.25,Y\n,,N\n"


def test_scope_of_a_plc_and_a_department(warehouse):
    tree = queries.entity_tree(PLC_LEAD, warehouse=warehouse)
    # P1's classrooms of both years (C9 in 2025), never S1 or C3
    assert list(zip(tree.level, tree.entity_id)) == [
        ("plc", "P1"), ("classroom", "C9"), ("classroom", "C1"), ("classroom", "C2")]
    nutrition = Viewer("department", "NUT")
    assert list(queries.entity_tree(nutrition, warehouse=warehouse).entity_id) == ["NUT"]
    assert queries.entity(nutrition, "district", "D1", warehouse=warehouse)["entity_name"] == "Demo District"
    with pytest.raises(AccessDenied):
        queries.scorecard(nutrition, "department", "TRN", warehouse=warehouse)
    with pytest.raises(AccessDenied):
        queries.scorecard(PLC_LEAD, "school", "S2", warehouse=warehouse)
    # the school above a PLC is visible as an aggregate, its other entities are not
    assert queries.entity(PLC_LEAD, "school", "S1", warehouse=warehouse)["entity_name"] == "Maple Elementary"
    assert list(queries.children(PLC_LEAD, "school", "S1", warehouse=warehouse).entity_id) == ["P1", "C1", "C2"]


# -- mart.metric_cells: the status of every group's cell, by the scorecard's one rule -----------

def test_metric_cells_carry_each_groups_status(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT school_year, student_group, value, status FROM mart.metric_cells "
            "WHERE level = 'school' AND entity_id = 'S1' AND metric_id = 'attendance_rate' AND period = 'year' "
            "AND student_group IN ('sex:F', 'race_ethnicity:black') ORDER BY student_group, school_year").fetchall()
    # target 0.95 (higher is better), near band 0.02. Girls: 2025 s01 10 of 10 = 1.0 >= 0.95 -> on
    # target; 2026 27 of 30 = 0.9, 0.05 below -> off. Black students 2026: s02 4 of 9, s04 10 of 10
    # = 14/19 -> off; 2025: s04 5 of 10 = 0.5 -> off.
    assert [(y, g, round(v, 4), s) for y, g, v, s in rows] == [
        (2025, "race_ethnicity:black", 0.5, "off"), (2026, "race_ethnicity:black", round(14 / 19, 4), "off"),
        (2025, "sex:F", 1.0, "on_target"), (2026, "sex:F", 0.9, "off")]


def test_metric_cells_status_of_all_students_is_the_scorecards(warehouse):
    """One rule: the 'all' cell of every scorecard row has the scorecard's own status."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        differ = con.execute(
            """SELECT count(*) FROM mart.scorecard AS s JOIN mart.metric_cells AS c
               ON c.school_year = s.school_year AND c.level = s.level AND c.entity_id = s.entity_id
              AND c.metric_id = s.metric_id AND c.student_group = 'all' AND c.period = 'year'
               WHERE c.status IS DISTINCT FROM s.status""").fetchone()[0]
        compared = con.execute("SELECT count(*) FROM mart.scorecard WHERE value IS NOT NULL").fetchone()[0]
    assert compared > 0 and differ == 0
    # walkthrough look-fors at S1: 3 of 4 = 0.75, target 0.8, near band 0.1 -> near (scorecard test above)
    card = queries.scorecard(ANALYST, "school", "S1", warehouse=warehouse, year=2026).set_index("metric_id")
    assert card.loc["walkthrough_lookfor_rate.empowered_learning", "status"] == "near"
