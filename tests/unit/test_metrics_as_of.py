"""Metric values as of any day, on request (assets/metrics/asof.py), on the hand-built district
(tests/unit/metrics_fixture.py) with five October days added for s04 and s07
(test_metric_periods.py), so a year to date differs from the month and from the year. Every
expected value is worked by hand from the fixture's rows in a comment."""
import datetime as dt

import pytest

from assets.metrics import asof
from tests.unit.metrics_fixture import build_marts, district
from tests.unit.test_metric_periods import with_october

D = dt.date


@pytest.fixture(scope="module")
def con():
    connection = with_october(district(with_plans=True))
    build_marts(connection)
    yield connection
    connection.close()


def value(frame, metric_id, level, entity_id, group="all"):
    rows = frame[(frame.metric_id == metric_id) & (frame.level == level) & (frame.entity_id == entity_id)
                 & (frame.student_group == group)]
    if rows.empty:
        return None
    (row,) = rows.itertuples()
    return row.numerator, row.denominator, row.value


def test_attendance_as_of_a_day_counts_only_the_days_so_far(con):
    cells = asof.metric_values_as_of(con, D(2025, 9, 5), metric="attendance_rate")
    assert set(cells.period) == {"ytd:2025-09-05"} and set(cells.school_year) == {2026}
    # 2025-09-01 .. 09-05 are the first five days: s02 PPPPE 4 of 5, s01 s03 s04 s05 s06 s07 s08
    # and s09 (at S1) 5 of 5; s09's S2 days start on the seventh day -> 44 of 9 x 5 = 45
    assert value(cells, "attendance_rate", "district", "D1") == (44, 45, 44 / 45)
    # S2: s07 5 of 5, s08 5 of 5
    assert value(cells, "attendance_rate", "school", "S2") == (10, 10, 1.0)
    # a group and a student are there too: s02 (black) 4 of 5, s04 and s07 (black) 5 of 5 each
    assert value(cells, "attendance_rate", "district", "D1", "race_ethnicity:black") == (14, 15, 14 / 15)
    assert value(cells, "attendance_rate", "student", "s02") == (4, 5, 0.8)


def test_a_day_in_the_middle_of_october_is_neither_the_month_nor_the_year(con):
    cells = asof.metric_values_as_of(con, D(2025, 10, 3), metric="attendance_rate")
    # September 81 of 91 plus 2025-10-01 .. 10-03: s04 UUU 0 of 3, s07 PPP 3 of 3 -> 84 of 97
    # (the month of October alone is 7 of 10, the year to the end of October 88 of 101)
    assert value(cells, "attendance_rate", "district", "D1") == (84, 97, 84 / 97)


def test_suspensions_after_the_day_are_ignored(con):
    cells = asof.metric_values_as_of(con, D(2025, 11, 3), metric="oss_rate")
    # s02's oss on 11-03 counts, s08's expulsion on 11-05 not yet: 1 of the 9 enrolled (year: 2 of 9)
    assert value(cells, "oss_rate", "district", "D1") == (1, 9, 1 / 9)


def test_cfa_as_of_a_day_uses_the_latest_result_by_that_day(con):
    cells = asof.metric_values_as_of(con, D(2025, 10, 10), metric="cfa_mastery_rate")
    # P1 by 10-10: s01 NF.1 6/10 (the 8/10 retake is 10-15), NF.2 7/10; s02 NF.1 9/10, NF.2 4/10;
    # s03 NF.1 10/10, NF.2 8/10, OA.1 5/10; s05 OA.1 9/10 -> 4 of 8 at 80% (the year: 5 of 8)
    assert value(cells, "cfa_mastery_rate", "plc", "P1") == (4, 8, 0.5)


def test_action_steps_are_due_as_of_the_day(con):
    cells = asof.metric_values_as_of(con, D(2025, 12, 15), metric="action_steps_on_time")
    # S1: A4 due 12-01, not done -> due and late; A5 due 03-01 was done 01-10, after the day -> not
    # yet counted: 0 of 1 (as of 2026-01-15 it is 1 of 2)
    assert value(cells, "action_steps_on_time", "school", "S1") == (0, 1, 0.0)


def test_the_school_year_is_the_one_the_day_falls_in(con):
    cells = asof.metric_values_as_of(con, D(2025, 6, 30), metric="attendance_rate")
    # 2024-25 (2025): s01 10 of 10, s04 5 of 10 at S1
    assert set(cells.school_year) == {2025}
    assert value(cells, "attendance_rate", "school", "S1") == (15, 20, 0.75)


def test_cells_as_of_a_day_are_suppressed_as_the_mart_is(con):
    cells = asof.metric_values_as_of(con, D(2025, 9, 5), metric="attendance_rate")
    district_cell = cells[(cells.level == "district") & (cells.student_group == "all")].iloc[0]
    # 9 students: under the default minimum of 10; the value stays, flagged with the reason
    assert (bool(district_cell.suppressed), district_cell.suppression_reason) == (True, "fewer than 10 students")
    assert district_cell.value == 44 / 45


def test_values_as_of_a_day_leave_the_connection_as_it_was(con):
    asof.metric_values_as_of(con, D(2025, 9, 5), metric="attendance_rate")
    # the temp tables are gone (a read-only connection of the dashboard computes on request too)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone() == (0,)


def test_two_days_of_one_school_year_are_asked_for_one_at_a_time(con):
    with pytest.raises(ValueError, match="at most one day per school year"):
        asof.compute_as_of(con, [D(2025, 9, 5), D(2025, 10, 3)])


def test_a_classroom_to_date_is_computed_on_request(con):
    cells = asof.metric_values_as_of(con, D(2025, 9, 5), metric="attendance_rate")
    # C1 = s01 5/5, s02 PPPPE 4/5, s03 5/5, s04 5/5 by 2025-09-05
    assert value(cells, "attendance_rate", "classroom", "C1") == (19, 20, 0.95)
