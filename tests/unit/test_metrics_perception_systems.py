"""Perception and systems metrics on the hand-built district (tests/unit/metrics_fixture.py)."""
import pytest

from assets.metrics.catalog import load_catalog, with_overrides
from tests.unit.metrics_fixture import build_marts, cell, district


@pytest.fixture(scope="module")
def con():
    connection = district(with_plans=True)
    build_marts(connection)
    yield connection
    connection.close()


def test_percent_favorable_flips_reverse_coded_items_and_skips_blanks(con):
    # belonging = Q1 (favorable >= 4) and Q2 (reverse coded, 5-point: v -> 6 - v)
    # S1: R1 Q1=5 yes, Q2=1 -> 5 yes; R2 Q1=4 yes, Q2=4 -> 2 no; R3 Q1 skipped, Q2=2 -> 4 yes
    #     favorable 4 of 5 answered
    assert cell(con, "percent_favorable.student.belonging", "school", "S1") == (4, 5, 0.8)
    # S2: R4 Q1=2 no, Q2=5 -> 1 no -> 0 of 2
    assert cell(con, "percent_favorable.student.belonging", "school", "S2") == (0, 2, 0.0)
    assert cell(con, "percent_favorable.student.belonging", "district", "D1") == (4, 7, 4 / 7)
    # safety = Q3: S1 R1 3 no, R2 skipped, R3 4 yes -> 1/2; S2 R4 5 yes -> 1/1
    assert cell(con, "percent_favorable.student.safety", "school", "S1") == (1, 2, 0.5)
    assert cell(con, "percent_favorable.student.safety", "district", "D1") == (2, 3, 2 / 3)
    # staff collaboration (4-point, favorable >= 3): R10 3 yes, R11 2 no
    assert cell(con, "percent_favorable.staff.collaboration", "school", "S1") == (1, 2, 0.5)
    # perception data has no student-group breakdown
    groups = con.execute(
        "SELECT DISTINCT student_group FROM mart.metric_values WHERE starts_with(metric_id, 'percent_favorable')"
    ).fetchall()
    assert groups == [("all",)]


def test_survey_response_rate_is_distinct_respondents_over_invited(con):
    # student survey: S1 R1 R2 R3 of 4 invited; S2 R4 of 2; staff: S1 R10 R11 of 3
    assert cell(con, "survey_response_rate.student", "school", "S1") == (3, 4, 0.75)
    assert cell(con, "survey_response_rate.student", "school", "S2") == (1, 2, 0.5)
    assert cell(con, "survey_response_rate.student", "district", "D1") == (4, 6, 4 / 6)
    assert cell(con, "survey_response_rate.staff", "school", "S1") == (2, 3, 2 / 3)
    assert cell(con, "survey_response_rate.staff", "school", "S2") is None  # not invited: no data


def test_walkthrough_lookfor_rate_per_focus_area(con):
    # empowered_learning = I1, I2: W1 (C1) yes/no, W2 (C2) yes/yes, W3 (C3) no/unknown
    assert cell(con, "walkthrough_lookfor_rate.empowered_learning", "classroom", "C1") == (1, 2, 0.5)
    assert cell(con, "walkthrough_lookfor_rate.empowered_learning", "classroom", "C2") == (2, 2, 1.0)
    assert cell(con, "walkthrough_lookfor_rate.empowered_learning", "plc", "P1") == (3, 4, 0.75)
    assert cell(con, "walkthrough_lookfor_rate.empowered_learning", "classroom", "C3") == (0, 1, 0.0)
    assert cell(con, "walkthrough_lookfor_rate.empowered_learning", "district", "D1") == (3, 5, 0.6)
    # standards = I3: W1 yes, W2 no, W3 yes
    assert cell(con, "walkthrough_lookfor_rate.standards", "school", "S1") == (1, 2, 0.5)
    assert cell(con, "walkthrough_lookfor_rate.standards", "district", "D1") == (2, 3, 2 / 3)


def test_plc_sig_uses_the_latest_assessment(con):
    # P1 latest (March): 3, 4, 2 -> 2 of 3 implementing (October's 2, 3, 1 is ignored)
    assert cell(con, "plc_sig_implementing_rate", "plc", "P1") == (2, 3, 2 / 3)
    # P2: 1, 2 -> 0 of 2; S1 = P1; district = 2 of 5 dimensions
    assert cell(con, "plc_sig_implementing_rate", "plc", "P2") == (0, 2, 0.0)
    assert cell(con, "plc_sig_implementing_rate", "school", "S1") == (2, 3, 2 / 3)
    assert cell(con, "plc_sig_implementing_rate", "district", "D1") == (2, 5, 0.4)


def test_mandatory_pd_hours_per_staff_member(con):
    # S1 staff T1 (3 + 2 mandatory; optional 5 not counted), T2 (1.5), A1 (none) -> 6.5 / 3
    assert cell(con, "mandatory_pd_hours", "school", "S1") == (6.5, 3, 6.5 / 3)
    # S2: T3 only coaching -> 0 / 1 (a real zero, not no data)
    assert cell(con, "mandatory_pd_hours", "school", "S2") == (0, 1, 0.0)
    assert cell(con, "mandatory_pd_hours", "department", "TRN") == (4, 1, 4.0)
    # district: all 7 staff, incl. the district office: 3 + 2 + 1.5 + 4 + 1 = 11.5
    assert cell(con, "mandatory_pd_hours", "district", "D1") == (11.5, 7, 11.5 / 7)


def test_mandatory_pd_hours_is_a_ceiling():
    catalog = with_overrides(load_catalog(config_path=""), mandatory_pd_hours={"target": 2.0, "near": 0.1})
    con = district()
    build_marts(con, catalog)
    status = dict(con.execute("SELECT entity_id, status FROM mart.scorecard WHERE metric_id = 'mandatory_pd_hours' "
                              "AND level = 'school' AND school_year = 2026").fetchall())
    # a ceiling of 2 h: S1 6.5 / 3 = 2.17 h is over it by more than 0.1; S2's 0 h is under it
    assert status == {"S1": "off", "S2": "on_target"}
    # the shipped ceiling, 12 h a year: every school is under it
    assert load_catalog(config_path="").metrics["mandatory_pd_hours"].target == 12


def test_mandatory_pd_hours_by_when_and_where(con):
    # S1 (T1, T2, A1): school day on site T1 3 + T2 1.5; after hours off site T1 2 -> per 3 staff
    assert cell(con, "mandatory_pd_hours_by_setting.school_day", "school", "S1") == (4.5, 3, 1.5)
    assert cell(con, "mandatory_pd_hours_by_setting.on_site", "school", "S1") == (4.5, 3, 1.5)
    assert cell(con, "mandatory_pd_hours_by_setting.after_hours", "school", "S1") == (2, 3, 2 / 3)
    # district, 7 staff: school day T1 3, T2 1.5, O1 1 = 5.5; off site T1 2, B1 4 = 6; on site
    # 4.5 (O1's session has no location)
    assert cell(con, "mandatory_pd_hours_by_setting.school_day", "district", "D1") == (5.5, 7, 5.5 / 7)
    assert cell(con, "mandatory_pd_hours_by_setting.off_site", "district", "D1") == (6, 7, 6 / 7)
    assert cell(con, "mandatory_pd_hours_by_setting.on_site", "district", "D1") == (4.5, 7, 4.5 / 7)


def test_pd_feedback_response_rate(con):
    # S1: T1 rated all 3 activities, T2 not its one; A1 completed none -> 3 of 4
    assert cell(con, "pd_feedback_response_rate", "school", "S1") == (3, 4, 0.75)
    # district: 7 activities completed, only T2's without a rating -> 6 of 7
    assert cell(con, "pd_feedback_response_rate", "district", "D1") == (6, 7, 6 / 7)
    # NUT's only staff member completed nothing: no data, not 0
    assert cell(con, "pd_feedback_response_rate", "department", "NUT") is None


def test_pd_feedback_favorable(con):
    # S1: T1 rated 5, 3, 4 -> 2 of 3 (T2's blank rating does not count)
    assert cell(con, "pd_feedback_favorable", "school", "S1") == (2, 3, 2 / 3)
    # district: 5, 3, 4, 2, 4, 5 -> 4 of 6; NUT gave no ratings -> no data
    assert cell(con, "pd_feedback_favorable", "district", "D1") == (4, 6, 4 / 6)
    assert cell(con, "pd_feedback_favorable", "department", "NUT") is None


def test_kpi_is_the_latest_reported_value_of_the_year(con):
    # on_time_routes 2026: 0.91 (October) then 0.96 (January) -> 0.96; 2025: 0.88 then 0.90
    assert cell(con, "kpi.on_time_routes", "department", "TRN") == (None, None, 0.96)
    assert cell(con, "kpi.on_time_routes", "department", "TRN", year=2025) == (None, None, 0.90)
    assert cell(con, "kpi.meal_waste", "department", "NUT") == (None, None, 0.12)


def test_meeting_cadence_against_seed_000(con):
    # as of 2026-01-15 the months Sep..Dec have ended; January counts only where already met.
    # DLT: quarters Jul-Sep (met 9/15) and Oct-Dec (met 11/10) -> 2/2
    assert cell(con, "meeting_cadence_met", "district", "D1") == (2, 2, 1.0)
    # OLT >= 1 a month: TRN Sep 1, Oct 0, Nov 2, Dec 0 -> 2/4; NUT never -> 0/4
    assert cell(con, "meeting_cadence_met", "department", "TRN") == (2, 4, 0.5)
    assert cell(con, "meeting_cadence_met", "department", "NUT") == (0, 4, 0.0)
    # BLT >= 2 a month: S1 Sep 2, Oct 2, Nov 1, Dec 0 -> 2/4
    assert cell(con, "meeting_cadence_met", "school", "S1") == (2, 4, 0.5)
    # PLC >= 2 a month: P1 Sep 2, Oct 3, Nov 2, Dec 0 -> 3/4; P2 Sep 1 -> 0/4
    assert cell(con, "meeting_cadence_met", "plc", "P1") == (3, 4, 0.75)
    assert cell(con, "meeting_cadence_met", "plc", "P2") == (0, 4, 0.0)
    # CLC 4 a month: C1 Sep 4, Oct 4, Nov 3, Dec 0, and January already 4 -> 3/5
    assert cell(con, "meeting_cadence_met", "classroom", "C1") == (3, 5, 0.6)
    assert cell(con, "meeting_cadence_met", "classroom", "C2") == (0, 4, 0.0)


def test_action_steps_on_time(con):
    # as of 2026-01-15. District plan: A1 due 10/1 done 9/30 (on time), A2 due 11/1 done 11/5
    # (late), A3 due in May, open (not due yet) -> 1/2
    assert cell(con, "action_steps_on_time", "district", "D1") == (1, 2, 0.5)
    # S1 plan: A4 due 12/1, open (overdue), A5 due in March, done early (counts, on time) -> 1/2
    assert cell(con, "action_steps_on_time", "school", "S1") == (1, 2, 0.5)


def test_action_steps_without_plan_tables_yield_no_rows():
    con = district(with_plans=False)
    build_marts(con)
    rows = con.execute("SELECT count(*) FROM mart.metric_values WHERE metric_id = 'action_steps_on_time'").fetchone()
    assert rows == (0,)
    # the metric stays in the catalog and on scorecards it is simply absent (no year has data)
    assert con.execute("SELECT count(*) FROM mart.metric_catalog WHERE metric_key = 'action_steps_on_time'").fetchone() == (1,)
