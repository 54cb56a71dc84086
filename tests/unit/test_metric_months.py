"""The nightly months and years to date are built from per-month totals (a year to date adds up
the months so far); they must equal the values computed over the dated rows themselves, which is
what a year to date asked for as of a day does (assets/metrics/asof.py, one row per student).
On the hand-built district (tests/unit/metrics_fixture.py) with a few rows added across month
boundaries, built as of 2026-03-31 (the newest data date is then 2026-03-05, a PLC rating, so
2025-26 has the months July 2025 .. March 2026). Every expected value is worked by hand."""
import datetime as dt

import pytest

from assets.metrics import asof
from tests.unit.metrics_fixture import build_marts, cell, district

D = dt.date
AS_OF = D(2026, 3, 31)
# s06 at S1, beside the fixture's 10 present days 2025-09-01 .. 09-10: absent 09-29, 09-30 and
# 10-01 (a run of absences across the month boundary), then present 10-02 .. 10-18 (17 days)
S06_DAYS = ([(D(2025, 9, 29), "unexcused_absence"), (D(2025, 9, 30), "unexcused_absence"),
             (D(2025, 10, 1), "unexcused_absence")]
            + [(D(2025, 10, 2) + dt.timedelta(days=k), "present") for k in range(17)])
# P1 (CFA1 in C1, CFA2 in C2): s01 retakes 4.NF.1 in November (6/10, below the 80% cut); s05
# retakes 4.OA.1 on CFA2 in C3, a section of P2 (10/10)
CFA_RETAKES = [
    ("CFA1", "Fractions check", "P1", "C1", "s01", "4.NF.1", D(2025, 11, 12), 6, 10, 0.8, 2026),
    ("CFA2", "Operations check", "P2", "C3", "s05", "4.OA.1", D(2025, 11, 20), 10, 10, 0.8, 2026),
]
# R3 (S1, student survey) answered Q3 and the reverse-coded Q2 on 2026-02-01 and skipped Q1; it
# answers Q1 (5) on 2026-03-03
LATE_ANSWER = ("SV1", "R3", "S1", "student", "04", "Q1", 5, D(2026, 3, 3), 2026)


@pytest.fixture(scope="module")
def con():
    connection = district()
    connection.executemany("INSERT INTO staging.attendance_daily VALUES ('s06', 'S1', ?, ?, 2026)", S06_DAYS)
    connection.executemany("INSERT INTO staging.cfa_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", CFA_RETAKES)
    connection.execute("INSERT INTO staging.survey_responses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", LATE_ANSWER)
    build_marts(connection, as_of=AS_OF)
    yield connection
    connection.close()


def as_of_value(con, day, metric_id, level, entity_id):
    frame = asof.metric_values_as_of(con, day, metric=metric_id)
    rows = frame[(frame.metric_id == metric_id) & (frame.level == level) & (frame.entity_id == entity_id)
                 & (frame.student_group == "all")]
    (row,) = rows.itertuples()
    return row.numerator, row.denominator, row.value


def test_attendance_to_date_adds_up_the_months_across_an_absence_over_the_month_end(con):
    # S1 in September: the fixture's 57 attended of 65, and s06's absent 09-29 and 09-30: 57 of 67
    assert cell(con, "attendance_rate", "school", "S1", period="month:2025-09") == (57, 67, 57 / 67)
    # October alone: s06 absent 10-01, present 17 days: 17 of 18
    assert cell(con, "attendance_rate", "school", "S1", period="month:2025-10") == (17, 18, 17 / 18)
    # to the end of October: 57 + 17 of 67 + 18
    assert cell(con, "attendance_rate", "school", "S1", period="ytd:2025-10-31") == (74, 85, 74 / 85)
    # the same counted over the days themselves (as of 2025-10-31, one row per student)
    assert as_of_value(con, D(2025, 10, 31), "attendance_rate", "school", "S1") == (74, 85, 74 / 85)
    # s06 alone: 10 + 17 present of 10 + 2 + 18 days
    assert as_of_value(con, D(2025, 10, 31), "attendance_rate", "student", "s06") == (27, 30, 0.9)


def test_a_student_absent_exactly_ten_percent_to_date_is_chronic_though_no_month_alone_says_so(con):
    # s06 to the end of October: 3 absent (09-29, 09-30, 10-01) of 30 days, exactly 10%: chronic.
    # September alone: 2 of 12 (chronic); October alone: 1 of 18 (5.6%, not chronic).
    # S1 to date: s01 1 of 10 (10%), s05 2 of 10, s06 3 of 30 chronic; s03, s04 not; s02 (9 days)
    # and s09 (6 days at S1) under the 10 days a student needs -> 3 of 5
    assert cell(con, "chronic_absence_rate", "school", "S1", period="ytd:2025-10-31") == (3, 5, 0.6)
    assert as_of_value(con, D(2025, 10, 31), "chronic_absence_rate", "school", "S1") == (3, 5, 0.6)
    assert as_of_value(con, D(2025, 10, 31), "chronic_absence_rate", "student", "s06") == (1, 1, 1.0)
    # October alone: only s06 has 10 days there, 1 absent of 18 -> 0 of 1
    assert cell(con, "chronic_absence_rate", "school", "S1", period="month:2025-10") == (0, 1, 0.0)
    # P1 counts its members' days at S1 (s01 .. s06): the same 3 of 5
    assert cell(con, "chronic_absence_rate", "plc", "P1", period="ytd:2025-10-31") == (3, 5, 0.6)
    # the district adds s07 (0 of 10), s08 (1 of 10: chronic) and s09 (1 of 12 in the district): 4 of 8
    assert cell(con, "chronic_absence_rate", "district", "D1", period="ytd:2025-10-31") == (4, 8, 0.5)


def test_cfa_to_date_takes_away_results_superseded_in_a_later_month(con):
    # P1 at the end of October: s01 NF.1 8/10 (the 10-15 retake), NF.2 7/10; s02 NF.1 9, NF.2 4;
    # s03 NF.1 10, NF.2 8, OA.1 5; s05 OA.1 9 -> 5 of 8 at 80%, 4 students
    assert cell(con, "cfa_mastery_rate", "plc", "P1", period="ytd:2025-10-31") == (5, 8, 5 / 8)
    # October alone: the same 8 (s01's 10-01 NF.1 was superseded within October)
    assert cell(con, "cfa_mastery_rate", "plc", "P1", period="month:2025-10") == (5, 8, 5 / 8)
    # to the end of November: s01 NF.1 is now 6/10 (not mastered) and s05's OA.1 is the P2 retake,
    # so P1 keeps s02 NF.1, s03 NF.1 and NF.2 of 7 results (s05 no longer holds one: 3 students)
    assert cell(con, "cfa_mastery_rate", "plc", "P1", period="ytd:2025-11-30") == (3, 7, 3 / 7)
    assert as_of_value(con, D(2025, 11, 30), "cfa_mastery_rate", "plc", "P1") == (3, 7, 3 / 7)
    # November alone: s01's retake 0 of 1 at P1, s05's 1 of 1 at P2
    assert cell(con, "cfa_mastery_rate", "plc", "P1", period="month:2025-11") == (0, 1, 0.0)
    assert cell(con, "cfa_mastery_rate", "plc", "P2", period="ytd:2026-03-31") == (1, 1, 1.0)


def test_a_respondent_answering_in_two_months_counts_once_to_date(con):
    # belonging at S1 on 2026-02-01: R1 Q1 5 and Q2 1 (reversed: 5) 2 of 2; R2 Q1 4 and Q2 4
    # (reversed: 2) 1 of 2; R3 Q2 2 (reversed: 4) 1 of 1 -> 4 of 5, 3 respondents
    assert cell(con, "percent_favorable.student.belonging", "school", "S1", period="month:2026-02") == (4, 5, 0.8)
    # March alone: R3's Q1 5 -> 1 of 1, 1 respondent
    assert cell(con, "percent_favorable.student.belonging", "school", "S1", period="month:2026-03") == (1, 1, 1.0)
    # to the end of March: 5 of 6, and R3 is one respondent, not two
    n = con.execute("SELECT n FROM mart.metric_value_counts WHERE metric_id = 'percent_favorable.student.belonging' "
                    "AND level = 'school' AND entity_id = 'S1' AND period = 'ytd:2026-03-31' "
                    "AND student_group = 'all'").fetchone()
    assert cell(con, "percent_favorable.student.belonging", "school", "S1", period="ytd:2026-03-31") == (5, 6, 5 / 6)
    assert n == (3,)
    # the district adds R4 at S2 (Q1 2, Q2 5 reversed to 1: 0 of 2): 5 of 8
    assert cell(con, "percent_favorable.student.belonging", "district", "D1", period="ytd:2026-03-31") == (5, 8, 5 / 8)
