"""The query layer's teams and scorecards as of a day (dashboards/queries/teams.py, metrics.py) on
the hand-built district (tests/unit/metrics_fixture.py, nightly build as of 2026-01-15; no
teams.csv, so one team per owner of team_meetings). Every expected value is worked by hand from
the fixture's rows in a comment."""
import datetime as dt

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
