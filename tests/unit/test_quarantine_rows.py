"""The quarantined rows through the query layer: only for viewers with student access, only the
rows placed in their scope, the rest for a viewer of the whole warehouse. On the hand-built
district of tests/quarantine_district.py, whose docstring lists every bad row, its line and who
may read it."""
from __future__ import annotations

import csv
import io
import logging

import pytest

from dashboards import queries
from dashboards.queries import AccessDenied, DataError, Viewer
from tests.quarantine_district import build_quarantine_warehouse

ANALYST = Viewer.analyst()  # every district: the whole warehouse
DISTRICT = Viewer("district", "D1", may_see_students=True, user="dana")
S1 = Viewer("school", "S1", may_see_students=True, user="sam")
S2 = Viewer("school", "S2", may_see_students=True, user="sue")
TEACHER = Viewer("classroom", "C1", may_see_students=True, user="tia")
PRINCIPAL = Viewer("school", "S1", may_see_students=False, user="pat")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build_quarantine_warehouse(tmp_path_factory.mktemp("quarantine"))


def lines(viewer: Viewer, file: str, warehouse, reason: str | None = None) -> list[int]:
    return queries.quarantined_rows(viewer, file, reason, warehouse=warehouse)["line"].tolist()


def test_a_viewer_of_the_whole_warehouse_reads_every_quarantined_row_with_its_line_and_values(warehouse):
    rows = queries.quarantined_rows(ANALYST, "attendance_daily.csv", warehouse=warehouse)
    # header line 1, 30 clean rows on lines 2-31, the six bad ones on 32-37
    assert rows["line"].tolist() == [32, 33, 34, 35, 36, 37]
    assert rows["reasons"].tolist() == ["unknown_code:status"] * 3 + [
        "orphan:schools", "invalid_date:calendar_date", "malformed_row:too_many_columns"]
    first = rows.iloc[0]
    assert (first["student_id"], first["school_id"], first["calendar_date"], first["status"]) == (
        "00101", "S1", "2025-09-09", "sick")
    assert rows.iloc[5]["raw_line"] == "00106,S2,2025-09-11,present,x"
    assert lines(ANALYST, "special_education", warehouse) == [3, 4, 5, 6]
    assert lines(ANALYST, "students", warehouse) == [8]


def test_a_school_viewer_reads_only_the_rows_whose_school_and_student_are_theirs(warehouse):
    # 32: S1 and 00101 (S1). 34 names S1 but 00104 is S2's student: neither school reads it
    assert lines(S1, "attendance_daily", warehouse) == [32]
    assert lines(S2, "attendance_daily", warehouse) == [33]
    # special education names a student only: 00101 of S1 in 2026 (line 5), 00104 of S2 (line 3)
    assert lines(S1, "special_education", warehouse) == [5]
    assert lines(S2, "special_education", warehouse) == [3]


def test_a_row_whose_school_year_cannot_be_read_or_whose_student_was_elsewhere_that_year_is_not_placed(warehouse):
    # 36 (S2, date 2025-13-40) and 4 (00101, year 'abcd'): no year; 6: 00103 was no student in 2024-25
    assert 36 not in lines(S2, "attendance_daily", warehouse)
    assert not {4, 6} & set(lines(S1, "special_education", warehouse))
    # the new student 00107, whose only row was quarantined, is no student of S1's yet
    assert lines(S1, "students", warehouse) == []


def test_a_teacher_reads_the_rows_of_their_classrooms_students_and_not_their_schools(warehouse):
    assert lines(TEACHER, "special_education", warehouse) == [5]  # 00101 is in C1
    assert lines(TEACHER, "attendance_daily", warehouse) == []  # 32 names school S1: above the classroom


def test_a_district_of_a_warehouse_of_several_districts_reads_its_rows_but_not_the_unplaceable_ones(warehouse):
    # D2 is in the warehouse too: an unknown school (35), a row without a year (36) or without
    # columns (37) might be D2's, so only the whole warehouse's viewer reads them
    assert lines(DISTRICT, "attendance_daily", warehouse) == [32, 33, 34]
    assert lines(DISTRICT, "special_education", warehouse) == [3, 5]
    assert lines(DISTRICT, "students", warehouse) == []


def test_a_reason_or_a_kind_of_reason_keeps_the_rows_that_have_it(warehouse):
    assert lines(ANALYST, "attendance_daily", warehouse, "unknown_code:status") == [32, 33, 34]
    assert lines(ANALYST, "attendance_daily", warehouse, "orphan") == [35]
    assert lines(ANALYST, "special_education", warehouse, "unknown_code") == [3, 5]
    assert lines(S2, "attendance_daily", warehouse, "unknown_code:status") == [33]


def test_staff_without_student_access_are_refused_and_the_refusal_is_logged_without_the_rows(warehouse, caplog):
    with caplog.at_level(logging.WARNING, logger="alignboard.access"):
        with pytest.raises(AccessDenied):
            queries.quarantined_rows(PRINCIPAL, "attendance_daily", "unknown_code:status", warehouse=warehouse)
    (record,) = [r for r in caplog.records if r.name == "alignboard.access"]
    message = record.getMessage()
    assert "user='pat'" in message and "quarantined rows of attendance_daily" in message
    assert "no student access" in message
    assert not any(value in message for value in ("00101", "sick", "2025-09-09"))
    with pytest.raises(AccessDenied):
        queries.quarantined_rows_csv(PRINCIPAL, "attendance_daily", warehouse=warehouse)


def test_a_name_that_is_not_a_landing_file_is_a_bad_request(warehouse):
    with pytest.raises(DataError, match="is not a landing file") as refused:
        queries.quarantined_rows(ANALYST, "../raw.attendance_daily", warehouse=warehouse)
    assert not isinstance(refused.value, AccessDenied)


def test_the_csv_holds_the_viewers_rows_as_the_command_lists_them(warehouse):
    text = queries.quarantined_rows_csv(S2, "attendance_daily.csv", "unknown_code:status", warehouse=warehouse)
    assert list(csv.reader(io.StringIO(text))) == [
        ["line", "reasons", "student_id", "school_id", "calendar_date", "status", "raw_line"],
        ["33", "unknown_code:status", "00104", "S2", "2025-09-09", "sick", ""],
    ]
