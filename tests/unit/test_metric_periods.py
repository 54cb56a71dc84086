"""Months and years to date beside each school-year value (mart.metric_values.period), on the
hand-built district (tests/unit/metrics_fixture.py) with five October days added for two
students, so that months and years to date differ. The nightly build runs as of 2026-01-15
(AS_OF): the newest data date is then 2026-01-15 (a walkthrough), so 2025-26 has the months
July 2025 .. January 2026. Every expected value is worked by hand in a comment."""
import datetime as dt

import pytest

from assets.metrics.catalog import load_catalog, with_overrides
from tests.unit.metrics_fixture import build_marts, cell, district

D = dt.date
OCTOBER = [  # (student, school, statuses on 2025-10-01 .. 2025-10-05)
    ("s04", "S1", ["unexcused_absence"] * 3 + ["present"] * 2),
    ("s07", "S2", ["present"] * 5),
]


def with_october(con):
    con.executemany("INSERT INTO staging.attendance_daily VALUES (?, ?, ?, ?, 2026)", [
        (student, school, D(2025, 10, 1 + k), status)
        for student, school, statuses in OCTOBER for k, status in enumerate(statuses)])
    return con


@pytest.fixture(scope="module")
def con():
    connection = with_october(district(with_plans=True))
    build_marts(connection)
    yield connection
    connection.close()


def test_the_year_in_progress_has_every_month_to_the_latest_data_date(con):
    periods = {p for (p,) in con.execute(
        "SELECT DISTINCT period FROM mart.metric_values WHERE school_year = 2026").fetchall()}
    months = ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01"]
    ends = ["2025-07-31", "2025-08-31", "2025-09-30", "2025-10-31", "2025-11-30", "2025-12-31", "2026-01-31"]
    # months with no data at all (July, August) have no cells
    assert periods == {"year", *(f"month:{m}" for m in months[2:]), *(f"ytd:{e}" for e in ends[2:])}


def test_a_finished_year_keeps_its_year_value_only():
    # built as of 2026-09-01, a day of 2026-27: 2025-26 is finished, so no months are kept
    # (any day of it is computed on request)
    connection = with_october(district(with_plans=True))
    build_marts(connection, as_of=D(2026, 9, 1))
    periods = {p for (p,) in connection.execute("SELECT DISTINCT period FROM mart.metric_values").fetchall()}
    connection.close()
    assert periods == {"year"}


def test_attendance_month_by_month_and_year_to_date(con):
    # September: the fixture's days, 81 attended of 91 (metrics_fixture.py)
    assert cell(con, "attendance_rate", "district", "D1", period="month:2025-09") == (81, 91, 81 / 91)
    assert cell(con, "attendance_rate", "district", "D1", period="ytd:2025-09-30") == (81, 91, 81 / 91)
    # October alone: s04 2 of 5 (UUUPP), s07 5 of 5 -> 7 / 10
    assert cell(con, "attendance_rate", "district", "D1", period="month:2025-10") == (7, 10, 0.7)
    # to the end of October: 81 + 7 of 91 + 10; nothing later, so January and the year agree
    assert cell(con, "attendance_rate", "district", "D1", period="ytd:2025-10-31") == (88, 101, 88 / 101)
    assert cell(con, "attendance_rate", "district", "D1", period="ytd:2026-01-31") == (88, 101, 88 / 101)
    assert cell(con, "attendance_rate", "district", "D1") == (88, 101, 88 / 101)
    # school S2 in October: s07 5 of 5; to date 24 + 5 of 26 + 5
    assert cell(con, "attendance_rate", "school", "S2", period="month:2025-10") == (5, 5, 1.0)
    assert cell(con, "attendance_rate", "school", "S2", period="ytd:2025-10-31") == (29, 31, 29 / 31)
    # no school day in August
    assert cell(con, "attendance_rate", "district", "D1", period="month:2025-08") is None


def test_chronic_absence_to_date_counts_the_days_so_far(con):
    # to the end of September: as the fixture's year, 3 of 8 (s01, s05, s08)
    assert cell(con, "chronic_absence_rate", "district", "D1", period="ytd:2025-09-30") == (3, 8, 3 / 8)
    # to the end of October s04 has 15 days, 3 absent (20%): chronic too -> 4 of the same 8
    assert cell(con, "chronic_absence_rate", "district", "D1", period="ytd:2025-10-31") == (4, 8, 0.5)
    # October alone: nobody has the 10 enrolled days a student needs to count
    assert cell(con, "chronic_absence_rate", "district", "D1", period="month:2025-10") is None


def test_suspensions_by_month_over_the_students_enrolled_that_year(con):
    # 9 students enrolled in 2026; s02 oss 2025-11-03, s08 expulsion 2025-11-05, s02 iss in December
    assert cell(con, "oss_rate", "district", "D1", period="ytd:2025-10-31") == (0, 9, 0.0)
    assert cell(con, "oss_rate", "district", "D1", period="month:2025-11") == (2, 9, 2 / 9)
    assert cell(con, "oss_rate", "district", "D1", period="month:2025-12") == (0, 9, 0.0)
    assert cell(con, "oss_rate", "district", "D1", period="ytd:2025-12-31") == (2, 9, 2 / 9)


def test_mandatory_hours_in_a_month_with_learning_but_none_mandatory_are_zero(con):
    # 7 staff; October: T1 3 + 2, T2 1.5, B1 4, O1 1 = 11.5 h; November has only an optional session
    assert cell(con, "mandatory_pd_hours", "district", "D1", period="month:2025-10") == (11.5, 7, 11.5 / 7)
    assert cell(con, "mandatory_pd_hours", "district", "D1", period="month:2025-11") == (0, 7, 0.0)
    assert cell(con, "mandatory_pd_hours", "district", "D1", period="ytd:2025-11-30") == (11.5, 7, 11.5 / 7)
    # September has no professional learning at all: no value, not zero
    assert cell(con, "mandatory_pd_hours", "district", "D1", period="month:2025-09") is None


def test_action_steps_and_meetings_count_what_was_due_by_the_end_of_the_period(con):
    # district steps: A1 due 10-01 done 09-30 (on time), A2 due 11-01 done 11-05 (late)
    assert cell(con, "action_steps_on_time", "district", "D1", period="month:2025-10") == (1, 1, 1.0)
    assert cell(con, "action_steps_on_time", "district", "D1", period="month:2025-11") == (0, 1, 0.0)
    assert cell(con, "action_steps_on_time", "district", "D1", period="ytd:2025-11-30") == (1, 2, 0.5)
    # DLT, one meeting a quarter (09-15, 11-10): by the end of October the Jul-Sep quarter is met
    # and the Oct-Dec quarter neither over nor met; by the end of November it is met
    assert cell(con, "meeting_cadence_met", "district", "D1", period="ytd:2025-10-31") == (1, 1, 1.0)
    assert cell(con, "meeting_cadence_met", "district", "D1", period="ytd:2025-11-30") == (2, 2, 1.0)
    assert cell(con, "meeting_cadence_met", "district", "D1", period="month:2025-10") is None


def test_month_cells_are_suppressed_within_their_own_period():
    catalog = with_overrides(load_catalog(config_path=""), attendance_rate={"min_n": 3})
    con = with_october(district())
    build_marts(con, catalog, coding_bands=())  # minimum n only: no top or bottom coding
    rows = dict(con.execute(
        "SELECT level || ':' || entity_id || ':' || period, coalesce(suppression_reason, '') "
        "FROM mart.metric_values WHERE metric_id = 'attendance_rate' AND student_group = 'all' "
        "AND level IN ('district', 'school') AND period IN ('year', 'month:2025-10')").fetchall())
    # October: S1 has s04 only, S2 s07 only, the district those two: all under 3 students
    assert rows["school:S1:month:2025-10"] == "fewer than 3 students"
    assert rows["school:S2:month:2025-10"] == "fewer than 3 students"
    assert rows["district:D1:month:2025-10"] == "fewer than 3 students"
    # the year is its own breakdown: S1 7 students, S2 3, the district 9 reach the minimum n (some
    # are hidden all the same, complementary to the hidden grades and schools, but none for its n)
    assert not any(rows[f"{cell}:year"].startswith("fewer than") for cell in ("school:S1", "school:S2", "district:D1"))
    assert rows["district:D1:year"] == ""


def test_the_scorecard_reads_the_school_year(con):
    value = con.execute("SELECT value FROM mart.scorecard WHERE metric_id = 'attendance_rate' "
                        "AND level = 'district' AND school_year = 2026").fetchone()
    assert value == (88 / 101,)


def test_classrooms_and_groups_have_the_school_year_only(con):
    # months and years to date: all students at the district, department, school and PLC levels
    rows = con.execute("SELECT DISTINCT level, student_group FROM mart.metric_values WHERE period <> 'year' "
                       "ORDER BY ALL").fetchall()
    assert rows == [("department", "all"), ("district", "all"), ("plc", "all"), ("school", "all")]
