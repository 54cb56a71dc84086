"""the query layer (dashboards/queries): scope, student rows and suppression for each kind of viewer."""
import io

import pandas as pd
import pytest

from assets.metrics.catalog import load_catalog, with_overrides
from dashboards import queries
from dashboards.queries import DataError, Viewer
from tests.unit.metrics_fixture import build_warehouse_file


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    # chronic absence with min_n 3 so that some cells are shown and some hidden
    catalog = with_overrides(load_catalog(config_path=""), chronic_absence_rate={"min_n": 3})
    return build_warehouse_file(tmp_path_factory.mktemp("wh") / "warehouse.duckdb", catalog)


def _cells(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["level"], frame["entity_id"]))


def test_analyst_sees_everything_including_students(warehouse):
    rows = queries.metric_values(Viewer.analyst(), warehouse=warehouse, metric="attendance_rate", year=2026)
    assert ("student", "s05") in _cells(rows)
    s1 = rows[(rows.entity_id == "S1") & (rows.student_group == "all")].iloc[0]
    # 7 students, under the minimum n, but an analyst who may see students sees it: nothing hidden
    assert (s1.numerator, s1.denominator, bool(s1.suppressed)) == (57, 65, False)


def test_public_output_blanks_suppressed_cells_and_drops_students(warehouse):
    rows = queries.metric_values(Viewer.analyst(), warehouse=warehouse, public=True,
                              metric="chronic_absence_rate", year=2026, level="district")
    by_group = rows.set_index("student_group")
    # sex:X (1 student) is hidden, sex:M is its complement, sex:F (4) shows: 2 of 4
    assert by_group.loc["sex:X"][["numerator", "denominator", "value"]].isna().all()
    assert by_group.loc["sex:X", "suppression_reason"] == "fewer than 3 students"
    assert by_group.loc["sex:M"][["numerator", "denominator", "value"]].isna().all()
    assert (by_group.loc["sex:F", "numerator"], by_group.loc["sex:F", "denominator"]) == (2, 4)
    everything = queries.metric_values(Viewer.analyst(), warehouse=warehouse, public=True)
    assert "student" not in set(everything["level"])
    hidden = everything[everything.suppressed]
    # S1's attendance (7 students) is among them, so the check below is not on an empty selection
    s1 = hidden[(hidden.metric_id == "attendance_rate") & (hidden.level == "school") & (hidden.entity_id == "S1")
                & (hidden.student_group == "all") & (hidden.school_year == 2026)]
    assert len(s1) == 1
    assert hidden[["numerator", "denominator", "value"]].isna().all().all()


def test_school_viewer_sees_its_school_below_and_above_but_no_students(warehouse):
    viewer = Viewer("school", "S1", may_see_students=False)
    rows = queries.metric_values(viewer, warehouse=warehouse, year=2026)
    assert _cells(rows) == {("school", "S1"), ("plc", "P1"), ("classroom", "C1"), ("classroom", "C2"),
                            ("district", "D1")}
    # not allowed to see students: suppressed values are blank for this viewer
    s1 = rows[(rows.metric_id == "attendance_rate") & (rows.entity_id == "S1") & (rows.student_group == "all")]
    assert s1[["numerator", "denominator", "value"]].isna().all(axis=None)
    # unsuppressed systems data is shown
    wt = rows[(rows.metric_id == "walkthrough_lookfor_rate.standards") & (rows.entity_id == "S1")].iloc[0]
    assert (wt.numerator, wt.denominator) == (1, 2)


def test_teacher_sees_own_classroom_and_its_students_only(warehouse):
    viewer = Viewer("classroom", "C1", may_see_students=True)
    rows = queries.metric_values(viewer, warehouse=warehouse, metric="attendance_rate", year=2026)
    students = {e for level, e in _cells(rows) if level == "student"}
    assert students == {"s01", "s02", "s03", "s04"}
    assert ("classroom", "C2") not in _cells(rows)
    c1 = rows[(rows.entity_id == "C1") & (rows.student_group == "all")].iloc[0]
    assert (c1.numerator, c1.denominator) == (33, 39)  # may see students: values shown


def test_scorecard_for_a_public_viewer(warehouse):
    card = queries.scorecard(Viewer.analyst(), "school", "S1", warehouse=warehouse, public=True)
    assert set(card["school_year"]) == {2026}  # default: the latest year with data
    attendance = card.set_index("metric_id").loc["attendance_rate"]
    assert attendance["status"] == "suppressed" and pd.isna(attendance["value"])
    assert pd.isna(attendance["change_vs_prior"]) and pd.isna(attendance["prior_value"])
    walk = card.set_index("metric_id").loc["walkthrough_lookfor_rate.empowered_learning"]
    assert (walk["value"], walk["status"]) == (0.75, "near")
    assert list(card["perspective"].drop_duplicates()) == [
        "Student Learning", "Stakeholder Perception", "Systems & Processes", "Staff Learning & Growth"]
    assert card["definition"].notna().all()


def test_scope_errors_are_one_line(warehouse):
    with pytest.raises(DataError, match="unknown school 'S9'"):
        queries.scorecard(Viewer.analyst(), "school", "S9", warehouse=warehouse)
    with pytest.raises(DataError, match="school 'S2' is not in your scope"):
        queries.scorecard(Viewer("school", "S1"), "school", "S2", warehouse=warehouse)
    with pytest.raises(DataError, match="warehouse not found"):
        queries.metric_values(Viewer.analyst(), warehouse=warehouse.parent / "missing.duckdb")
    with pytest.raises(DataError, match="unknown metric 'nope'"):
        queries.metric_values(Viewer.analyst(), warehouse=warehouse, metric="nope")
    with pytest.raises(DataError):
        Viewer("galaxy", "G1")


def test_a_school_viewer_may_open_the_district_scorecard(warehouse):
    card = queries.scorecard(Viewer("school", "S2"), "district", "D1", warehouse=warehouse).set_index("metric_id")
    # empowered-learning look-fors: 3 of 5 district-wide = 0.6, 0.2 under the 0.80 target (band 0.10) -> off
    walk = card.loc["walkthrough_lookfor_rate.empowered_learning"]
    assert (walk["value"], walk["status"]) == (pytest.approx(0.6), "off")
    # attendance: 81 of 91 days, but 9 students (< 10) this viewer may not see: blanked
    attendance = card.loc["attendance_rate"]
    assert attendance["status"] == "suppressed" and pd.isna(attendance["value"])


def test_needs_assessment_is_blanked_like_the_rest(warehouse):
    rows = queries.needs_assessment(Viewer("school", "S1"), "school", "S1", warehouse=warehouse)
    hidden = rows[rows.suppressed]
    assert "attendance_rate" in set(hidden["metric_id"])  # S1: 7 students, fewer than 10
    assert hidden[["value", "gap_to_target", "group_gap"]].isna().all(axis=None)
    assert list(rows["row_type"].drop_duplicates()) == ["metric", "group_gap"]
    with pytest.raises(DataError, match="district and for schools"):
        queries.needs_assessment(Viewer.analyst(), "plc", "P1", warehouse=warehouse)


def test_csv_stream_matches_the_query(warehouse):
    out = io.StringIO()
    rows = queries.write_metric_values_csv(Viewer.analyst(), out, warehouse=warehouse, metric="kpi")
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(queries.METRIC_VALUE_COLUMNS)
    assert rows == 3 and "kpi.on_time_routes,2,2026,year,department,TRN,all,,,0.96,N,," in lines
