"""The query layer's teams and scorecards as of a day (dashboards/queries/teams.py, metrics.py) on
the hand-built district (tests/unit/metrics_fixture.py, nightly build as of 2026-01-15; no
teams.csv, so one team per owner of team_meetings). Every expected value is worked by hand from
the fixture's rows in a comment."""
import datetime as dt

import pandas as pd
import pytest

from dashboards import queries
from dashboards.queries.metrics import cells_computed
from tests.unit.dashboard_fixture import build_dashboard_warehouse

D = dt.date
PRINCIPAL = queries.Viewer("school", "S1", False, user="pat")
ANALYST = queries.Viewer.analyst()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build_dashboard_warehouse(tmp_path_factory.mktemp("teams") / "warehouse.duckdb")


def row(card, metric_id):
    return card[card.metric_id == metric_id].iloc[0]


def test_a_scorecard_as_of_a_day_shows_the_year_to_date_and_the_same_day_a_year_earlier(warehouse):
    card = queries.scorecard_as_of(ANALYST, "school", "S1", D(2025, 9, 5), warehouse=warehouse)
    attendance = row(card, "attendance_rate")
    # S1 by 2025-09-05: s01 5/5, s02 PPPPE 4/5, s03 5/5, s04 5/5, s05 5/5, s06 5/5, s09 5/5 -> 34 of 35;
    # by 2024-09-05 (days from 2024-09-02): s01 PPPP 4/4, s04 PPPP 4/4 -> 8 of 8
    assert (attendance.numerator, attendance.denominator, attendance.n) == (34, 35, 7)
    assert attendance.prior_value == 1.0 and attendance.change_vs_prior == pytest.approx(34 / 35 - 1)
    # 97.1% against the 95% target, higher is better
    assert (attendance.status, attendance.as_of.date(), attendance.prior_as_of.date()) == (
        "on_target", D(2025, 9, 5), D(2024, 9, 5))


def test_a_cell_under_the_minimum_n_is_hidden_from_staff_and_the_public_as_on_the_year_scorecard(warehouse):
    # the same 7 students: under the minimum of 10, so a principal without student access and the
    # public read no value, n or change, and why
    for card in (queries.scorecard_as_of(PRINCIPAL, "school", "S1", D(2025, 9, 5), warehouse=warehouse),
                 queries.scorecard_as_of(ANALYST, "school", "S1", D(2025, 9, 5), warehouse=warehouse, public=True)):
        attendance = row(card, "attendance_rate")
        assert (attendance.status, attendance.suppression_reason) == ("suppressed", "fewer than 10 students")
        assert attendance[["value", "n", "change_vs_prior", "numerator"]].isna().all()


def test_a_months_end_reads_the_nightly_cells_and_a_classroom_is_computed_on_request(warehouse):
    # 2025-09-30 is a month's end the nightly build kept for S1: all of September, 57 of 65 days
    # (s01 9/10, s02 4/9, s03 10/10, s04 10/10, s05 8/10, s06 10/10, s09 6/6)
    school = row(queries.scorecard_as_of(ANALYST, "school", "S1", D(2025, 9, 30), warehouse=warehouse),
                 "attendance_rate")
    assert (school.numerator, school.denominator) == (57, 65)
    # classrooms are not kept nightly: C1 (s01 9/10, s02 4/9, s03 10/10, s04 10/10) -> 33 of 39
    classroom = row(queries.scorecard_as_of(ANALYST, "classroom", "C1", D(2025, 9, 30), warehouse=warehouse),
                    "attendance_rate")
    assert (classroom.numerator, classroom.denominator) == (33, 39)
    computed = cells_computed(ANALYST, D(2025, 9, 30), warehouse=warehouse)
    assert set(computed.period) == {"ytd:2025-09-30"} and "student" not in set(computed.level)


def test_a_viewer_sees_the_teams_of_their_scope_below_and_above_it(warehouse):
    # S1's principal: the district's DLT (above), S1's BLT, P1's PLC and C1's CLC (below); not the
    # transportation OLT (a department beside the school) nor S2's PLC P2
    assert list(queries.teams(PRINCIPAL, warehouse=warehouse).team_id) == ["DLT:D1", "BLT:S1", "PLC:P1", "CLC:C1"]
    assert list(queries.teams(PRINCIPAL, warehouse=warehouse, own=True).team_id) == ["BLT:S1"]
    assert queries.teams(ANALYST, warehouse=warehouse, own=True).empty  # no scope entity of their own


def test_a_team_outside_the_scope_and_an_unknown_team_get_the_same_refusal(warehouse, caplog):
    for team in ("OLT:TRN", "OLT:XYZ"):
        with pytest.raises(queries.AccessDenied) as refused:
            queries.team_packet(PRINCIPAL, team, D(2025, 12, 15), warehouse=warehouse)
        assert str(refused.value) == f"team {team!r} is not in your scope"
    assert "asked=team 'OLT:TRN' (outside)" in caplog.text


def test_the_district_team_missed_its_cadence_and_has_a_step_due_before_its_next_meeting(warehouse):
    packet = queries.team_packet(ANALYST, "DLT:D1", D(2026, 2, 15), warehouse=warehouse)
    # DLT D1 met 2025-09-15 and 2025-11-10; quarterly = 91 days: due 2026-02-09, before 02-15
    assert (packet["last_meeting_date"], packet["next_meeting_due"], packet["cadence_missed"]) == (
        "2025-11-10", "2026-02-09", True)
    # the next meeting is a cadence after this one: 02-15 + 91 days = 2026-05-17
    assert packet["next_meeting_date"] == "2026-05-17"
    # G1's steps: A1 done on time, A2 done late, A3 "Review data" due 2026-05-01 and open: due
    # before the next meeting, not overdue
    assert [(a["action_id"], a["due_date"], a["days_overdue"], a["status"]) for a in packet["action_steps"]] == [
        ("A3", "2026-05-01", None, "open")]
    assert packet["overdue_action_steps"] == []


def test_the_packet_shows_a_principal_what_the_scorecard_shows_them(warehouse):
    packet = queries.team_packet(PRINCIPAL, "BLT:S1", D(2025, 12, 15), warehouse=warehouse)
    attendance = next(r for r in packet["scorecard"] if r["metric_id"] == "attendance_rate")
    # hidden from staff (7 students), with its reason, and listed in the data notes
    assert (attendance["value"], attendance["value_text"], attendance["status"]) == (None, "hidden", "hidden")
    assert {"metric_id": "attendance_rate", "reason": "fewer than 10 students"} in packet["data_notes"]["hidden_cells"]


def test_goal_status_as_of_a_day_uses_the_year_to_date_of_that_day(warehouse):
    packet = queries.team_packet(ANALYST, "BLT:S1", D(2025, 9, 5), warehouse=warehouse)
    (goal,) = packet["goals"]
    # G2, S1's attendance: by 2025-09-05 34 of 35 days (the whole of 2025-26 is 57 of 65)
    assert (goal["goal_id"], goal["current_year"]) == ("G2", 2026)
    assert goal["current"] == pytest.approx(34 / 35)
    # without to_date (the goals export) goal_progress reads the whole year's value
    year = queries.goal_progress(ANALYST, D(2025, 9, 5), warehouse=warehouse)
    assert year[year.goal_id == "G2"].current_value.iloc[0] == pytest.approx(57 / 65)


# -- the scorecard's layer below as of a day ----------------------------------------------------

def test_the_layer_below_as_of_a_day_shows_each_childs_year_to_date(warehouse):
    # 2025-09-05 is no month's end: computed on request. S1 by then 34 of 35 days (7 students);
    # S2 s07 5/5 and s08 5/5 (s09 arrives on 2025-09-07) = 10 of 10. Against the 95% target both
    # are on target, where the whole year (S1 57/65, S2 24/26) is off
    cells = queries.scorecard_children(ANALYST, "district", "D1", warehouse=warehouse, as_of=D(2025, 9, 5))
    attendance = cells[cells.metric_id == "attendance_rate"].set_index("entity_id")
    assert set(cells.school_year) == {2026}
    assert attendance.loc["S1", "value"] == pytest.approx(34 / 35) and attendance.loc["S1", "n"] == 7
    assert attendance.loc["S2", "value"] == 1.0 and attendance.loc["S2", "n"] == 2
    assert list(attendance.loc[["S1", "S2"], "status"]) == ["on_target", "on_target"]
    # no walkthrough before 2026-01-10: no data by 2025-09-05 (the year has S1 3 of 4 = 0.75)
    walks = cells[cells.metric_id == "walkthrough_lookfor_rate.empowered_learning"].set_index("entity_id")
    assert walks.loc["S1", "status"] == "no_data" and pd.isna(walks.loc["S1", "value"])
    # every metric of D1's scorecard, for every child, as on the year's grid
    year = queries.scorecard_children(ANALYST, "district", "D1", warehouse=warehouse, year=2026)
    assert list(zip(cells.entity_id, cells.metric_id)) == list(zip(year.entity_id, year.metric_id))


def test_the_layer_below_at_a_months_end_reads_the_nightly_cells_and_judges_them_by_each_childs_target(warehouse):
    # 2025-09-30, kept nightly for schools: S1 57 of 65 days = 87.7% (off); S1's BLT met on
    # 2025-09-03 and 09-17, at least twice in September: 1 of 1 month = 100% (on target)
    cells = queries.scorecard_children(ANALYST, "district", "D1", warehouse=warehouse, as_of=D(2025, 9, 30))
    s1 = cells[cells.entity_id == "S1"].set_index("metric_id")
    assert s1.loc["attendance_rate", "value"] == pytest.approx(57 / 65)
    assert s1.loc["attendance_rate", "status"] == "off"
    assert (s1.loc["meeting_cadence_met", "value"], s1.loc["meeting_cadence_met", "status"]) == (1.0, "on_target")
    # classrooms are not kept nightly: computed. C2 (s03 10/10, s05 8/10, s06 10/10) = 28 of 30 =
    # 93.3%, within 0.02 of 95%: near; P1 (s01-s06) 51 of 59 = 86.4%: off
    below = queries.scorecard_children(ANALYST, "school", "S1", warehouse=warehouse, as_of=D(2025, 9, 30))
    attendance = below[below.metric_id == "attendance_rate"].set_index("entity_id")
    assert attendance.loc["C2", "value"] == pytest.approx(28 / 30) and attendance.loc["C2", "status"] == "near"
    assert attendance.loc["P1", "value"] == pytest.approx(51 / 59) and attendance.loc["P1", "status"] == "off"


def test_the_layer_below_as_of_a_day_hides_a_childs_cell_from_staff_as_the_years_grid_does(warehouse):
    # P1's 6 students by 2025-09-05 (s01-s06: 29 of 30 days), under the minimum n of 10
    cells = queries.scorecard_children(PRINCIPAL, "school", "S1", warehouse=warehouse, as_of=D(2025, 9, 5))
    p1 = cells[(cells.entity_id == "P1") & (cells.metric_id == "attendance_rate")].iloc[0]
    assert (p1.status, p1.suppression_reason, bool(p1.suppressed)) == ("suppressed", "fewer than 10 students", True)
    assert pd.isna(p1.value) and pd.isna(p1.n)
