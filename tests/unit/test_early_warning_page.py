"""The early-warning queries behind the page, the equity page's MTSS shares and the student
folder, on the hand-built district of early_warning_fixture.py (its docstring lists every flag,
support and student; the arithmetic of each expected value is written beside it)."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest

from dashboards import queries
from dashboards.queries import AccessDenied, DataError, Viewer
from tests.unit.early_warning_fixture import LAST_MAY, NOVEMBER, OCTOBER, build_early_warning_warehouse

ANALYST = Viewer.analyst()
PRINCIPAL = Viewer("school", "S1", may_see_students=False, user="pat")
PRINCIPAL_STUDENTS = Viewer("school", "S1", may_see_students=True, user="pam")
TEACHER = Viewer("classroom", "C1", may_see_students=True, user="tia")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build_early_warning_warehouse(tmp_path_factory.mktemp("ews") / "warehouse.duckdb")


def cell(counts: pd.DataFrame, as_of: dt.date, dimension: str, key: str) -> dict:
    (row,) = counts[(counts["as_of"] == pd.Timestamp(as_of)) & (counts["dimension"] == dimension)
                    & (counts["key"] == key)].to_dict("records")
    return row


def listed(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["student_id"])


def test_a_principal_counts_the_flagged_students_of_their_school_by_indicator_and_month(warehouse):
    counts = queries.early_warning_counts(PRINCIPAL, "school", "S1", warehouse=warehouse)
    school = cell(counts, NOVEMBER, "all", "all")
    # S1: s01-s06, s09, s10-s16 = 14; flagged s01 (A), s02 (B, C), s04 (D), s05 (B), s10 (C) = 5;
    # supported s02, s04, s06 = 3; flagged with no intervention s01, s05, s10 = 3
    assert (school["students"], school["flagged"], school["attendance"], school["behavior"], school["course"],
            school["assessment"], school["supported"], school["flagged_unsupported"]) == (14, 5, 1, 2, 2, 1, 3, 3)
    assert school["flagged_rate"] == pytest.approx(5 / 14)
    assert school["supported_rate"] == pytest.approx(3 / 14)
    october = cell(counts, OCTOBER, "all", "all")
    assert (october["students"], october["flagged"]) == (14, 2)  # s02 (C) and s04 (D) on 2025-10-31
    assert cell(counts, NOVEMBER, "grade", "04")["flagged"] == 5  # every S1 student is in grade 4


def test_a_cell_under_ten_students_is_hidden_from_staff_with_the_reason_in_words(warehouse):
    counts = queries.early_warning_counts(PRINCIPAL, "school", "S1", warehouse=warehouse)
    white = cell(counts, NOVEMBER, "group", "race_ethnicity:white")  # s05 s06 s10-s16 at S1: 9 < 10
    assert white["suppressed"] and white["suppression_reason"] == "fewer than 10 students"
    assert all(pd.isna(white[c]) for c in ("students", "flagged", "flagged_rate", "supported", "supported_rate"))


def test_a_principal_reads_the_districts_counts_by_school_and_group_as_aggregates(warehouse):
    counts = queries.early_warning_counts(PRINCIPAL, "district", "D1", warehouse=warehouse)
    district = cell(counts, NOVEMBER, "all", "all")
    # D1: 16 students; flagged s01 s02 s04 s05 s07 s08 s10 = 7
    assert (district["students"], district["flagged"]) == (16, 7)
    white = cell(counts, NOVEMBER, "group", "race_ethnicity:white")  # s05 s06 s08 s10-s16 = 10
    assert (white["students"], white["flagged"], white["supported"]) == (10, 3, 1)  # s05 s08 s10; s06
    assert white["flagged_rate"] == pytest.approx(0.3) and white["supported_rate"] == pytest.approx(0.1)
    assert cell(counts, NOVEMBER, "school", "S1")["school_name"] == "Maple Elementary"
    assert cell(counts, NOVEMBER, "school", "S2")["suppression_reason"] == "fewer than 10 students"  # s07 s08


def test_a_teacher_with_student_access_sees_every_count_of_their_classroom_however_small(warehouse):
    counts = queries.early_warning_counts(TEACHER, "classroom", "C1", warehouse=warehouse)
    room = cell(counts, NOVEMBER, "all", "all")
    assert (room["students"], room["flagged"], room["suppressed"]) == (4, 3, False)  # s01-s04; s01 s02 s04
    black = cell(counts, NOVEMBER, "group", "race_ethnicity:black")
    assert (black["students"], black["flagged"]) == (2, 2)  # s02 and s04, both flagged
    # above the classroom, the school's cells are staff aggregates again
    school = queries.early_warning_counts(TEACHER, "school", "S1", warehouse=warehouse)
    assert cell(school, NOVEMBER, "group", "race_ethnicity:white")["suppressed"]


def test_a_teacher_sees_the_flagged_students_of_their_classroom_with_names_values_and_interventions(warehouse):
    rows = queries.early_warning_students(TEACHER, "classroom", "C1", NOVEMBER, warehouse=warehouse,
                                          previous=OCTOBER)
    assert listed(rows) == ["s01", "s02", "s04"]  # s03 has no flag and no support
    by_id = rows.set_index("student_id")
    assert (by_id.loc["s01", "first_name"], by_id.loc["s01", "last_name"]) == ("Zoe", "Quill")
    assert pd.isna(by_id.loc["s04", "first_name"])  # no name in students.csv
    assert (by_id.loc["s01", "attendance"], by_id.loc["s01", "absent_days"]) == ("chronic", 3)
    assert by_id.loc["s02", "raised"] == "behavior|course"
    assert by_id.loc["s02", "interventions"] == ("Math, tier 3: Math tutoring (since 2025-10-02); "
                                                 "Reading, tier 2: Reading group (since 2025-10-02)")
    assert by_id.loc["s02", "teachers"] == "Ana Teacher"
    # newly flagged since 2025-10-31: s01's attendance, s02's behavior; s04's assessment was raised then
    assert by_id.loc["s01", "newly_flagged"] == "attendance"
    assert by_id.loc["s02", "newly_flagged"] == "behavior"
    assert pd.isna(by_id.loc["s04", "newly_flagged"])


def test_the_two_lists_a_team_works_from_match_each_flag_to_the_support_of_its_area(warehouse):
    rows = queries.early_warning_students(PRINCIPAL_STUDENTS, "school", "S1", NOVEMBER, warehouse=warehouse)
    by_id = rows.set_index("student_id")
    # s02: behavior has no behavior support; course is answered by reading and math
    assert by_id.loc["s02", "unsupported"] == "behavior"
    assert pd.isna(by_id.loc["s04", "unsupported"])  # assessment, answered by math
    assert by_id.loc["s01", "unsupported"] == "attendance" and by_id.loc["s10", "unsupported"] == "course"
    # s06: a behavior intervention and no flag; s02's and s04's supports answer a flag of theirs
    assert list(rows.loc[rows["unflagged_supports"].notna(), "student_id"]) == ["s06"]
    assert by_id.loc["s06", "unflagged_supports"] == "behavior"


def test_the_student_list_is_filtered_by_indicator_grade_group_and_teacher(warehouse):
    def ids(**filters):
        return listed(queries.early_warning_students(PRINCIPAL_STUDENTS, "school", "S1", NOVEMBER,
                                                     warehouse=warehouse, **filters))
    assert ids() == ["s01", "s02", "s04", "s05", "s06", "s10"]
    assert ids(indicator="behavior") == ["s02", "s05", "s06"]  # flagged on behavior, or behavior support
    assert ids(group="race_ethnicity:black") == ["s02", "s04"]
    assert ids(teacher="T2") == ["s05", "s06", "s10"]  # classroom C2: s03 s05 s06 s10-s16
    assert ids(grade="07") == []  # S1 has grade 4 only
    with pytest.raises(DataError):
        ids(indicator="grades")


def test_staff_and_viewers_outside_the_entity_get_no_student_rows(warehouse):
    with pytest.raises(AccessDenied):
        queries.early_warning_students(PRINCIPAL, "school", "S1", NOVEMBER, warehouse=warehouse)
    with pytest.raises(AccessDenied):  # the teacher's school is above their scope: aggregates only
        queries.early_warning_students(TEACHER, "school", "S1", NOVEMBER, warehouse=warehouse)
    with pytest.raises(AccessDenied):
        queries.early_warning_csv(PRINCIPAL, "school", "S1", NOVEMBER, warehouse=warehouse)


def test_the_download_lists_the_teachers_students_with_their_flags_and_values(warehouse):
    text = queries.early_warning_csv(TEACHER, "classroom", "C1", NOVEMBER, warehouse=warehouse,
                                     previous=OCTOBER)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["student_id"] for r in rows] == ["s02", "s01", "s04"]  # most flags first, then by name
    s01 = rows[1]
    assert (s01["first_name"], s01["last_name"], s01["attendance"], s01["absence_rate"], s01["newly_flagged"],
            s01["unsupported"], s01["supports"]) == ("Zoe", "Quill", "chronic", "0.1", "attendance", "attendance", "")


def test_the_page_shows_the_month_end_asked_for_and_the_one_before_it(warehouse):
    dates = queries.early_warning_dates(ANALYST, warehouse=warehouse)
    assert queries.month_end(dates, None, None) == (2026, NOVEMBER, OCTOBER)
    assert queries.month_end(dates, None, "2025-10-31") == (2026, OCTOBER, None)
    assert queries.month_end(dates, 2025, "2025-10-31") == (2025, LAST_MAY, None)  # another year: its latest
    with pytest.raises(DataError):
        queries.month_end(dates, None, "last week")


def test_the_folder_shows_the_indicators_of_the_years_the_student_was_in_the_viewers_scope(warehouse):
    mine = queries.student_folder(TEACHER, "s01", warehouse=warehouse)["early_warning"]
    assert list(mine["as_of"].dt.date) == [NOVEMBER, OCTOBER]  # 2025-26 only: C1 is a 2025-26 classroom
    assert list(mine["attendance"]) == ["chronic", "none"]
    every = queries.student_folder(ANALYST, "s01", warehouse=warehouse)["early_warning"]
    assert list(every["as_of"].dt.date) == [NOVEMBER, OCTOBER, LAST_MAY]


@pytest.fixture(scope="module")
def pages(warehouse):
    from dashboards.app import create_app

    create_app(warehouse)  # registers the pages
    from dashboards.pages import early_warning, equity

    return equity, early_warning


def test_the_equity_page_puts_each_groups_shares_flagged_and_supported_beside_its_mtss_ratio(warehouse, pages):
    equity_page, _ = pages
    rows = queries.equity(PRINCIPAL, "district", "D1", warehouse=warehouse, year=2026)
    part = equity_page.mtss_part(PRINCIPAL, warehouse, "district", "D1", 2026, rows)
    (grid,) = [c for c in part.children if getattr(c, "id", None) == "equity-mtss-groups"]
    by_group = {r["group_label"]: r for r in grid.rowData}
    white = by_group["White"]
    # on 2025-11-30, the year's last month end: white s05 s06 s08 s10-s16 = 10, flagged s05 s08 s10,
    # supported s06: 3 / 10 flagged, 1 / 10 supported, 10% - 30% = -20 points
    assert (white["students"], white["flagged_rate"], white["supported_rate"]) == (10, 0.3, 0.1)
    assert white["gap"] == pytest.approx(-0.2)
    mart = rows[(rows["category"] == "mtss_any") & (rows["group"] == "white")]
    assert white["ratio_type"] == mart["ratio_type"].iloc[0]  # the group's own MTSS identification ratio
    black = by_group["Black"]  # s02 s04 s07: 3 students, hidden from staff
    assert black["suppression_reason"] == "fewer than 10 students" and black["flagged_rate"] is None


def test_the_page_lists_the_values_behind_each_flag_in_words(warehouse, pages):
    _, page = pages
    rows = page.readable(queries.early_warning_students(TEACHER, "classroom", "C1", NOVEMBER, warehouse=warehouse),
                         2026).set_index("student_id")
    # s01: 3 of 30 days absent = 10.0%; s02: 1 removal, 1 incident and 1 failing mark (in ELA or math) in Q1
    assert rows.loc["s01", "why"] == "Chronically absent: 10.0% (3 of 30 days)"
    assert rows.loc["s02", "why"] == ("Behavior: 1 removal, 1 incident; Course marks: 1 failing in Q1 "
                                      "(1 in ELA or math)")
    assert rows.loc["s01", "student"] == "Quill, Zoe (s01)" and rows.loc["s04", "student"] == "s04"
    assert rows.loc["s01", "folder"] == "[Folder](/student?student=s01&year=2026)"


def test_a_classroom_of_an_earlier_year_opens_on_that_year(warehouse):
    counts = queries.early_warning_counts(ANALYST, "classroom", "C9", warehouse=warehouse)
    # C9 is a 2024-25 classroom (s01, s04): its page opens on 2025-05-31, where s01 has a behavior flag
    assert set(counts["school_year"]) == {2025}
    room = cell(counts, LAST_MAY, "all", "all")
    assert (room["students"], room["flagged"], room["behavior"]) == (2, 1, 1)
    assert queries.early_warning_counts(ANALYST, "classroom", "C9", warehouse=warehouse, year=2026).empty
