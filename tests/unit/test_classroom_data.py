"""The classroom data center and the student folder on the hand-built district
(tests/unit/metrics_fixture.py), with, in this module's copy of it:
- CFA1 ("Fractions check", PLC P1) given in classroom C2 too, on 2025-10-02:
  s05 4.NF.1 9/10 (0.9 >= cut 0.8: mastered), s06 4.NF.1 7/10 (not), s06 4.NF.2 8/10 (exactly the cut: mastered);
- classroom C4 (S1, PLC P1, 2026) with no CFA results;
- names in staging.students (the optional columns of students.csv): s01 Zoe Quill, s02 Max Yarrow,
  s05 Zoe Vance; the others have none.
CFA1 in C1 (the fixture's): 4.NF.1 s01 8/10 (the latest of a retake: exactly the cut, mastered),
s02 9/10, s03 10/10 (all mastered); 4.NF.2 s01 7/10, s02 4/10 (not), s03 8/10 (mastered).
Every expected value below is worked out from these rows.
"""
from __future__ import annotations

import datetime as dt
import logging

import duckdb
import pytest

from assets.metrics.cfa_mastery import build_cfa_mastery
from dashboards import queries
from dashboards.components.controls import changed_view
from dashboards.components.labels import (
    ACTIONS, ATTENDANCE_STATUSES, code_label, grade_label, student_label, tier_label,
)
from dashboards.queries import AccessDenied, DataError, Viewer
from tests.unit.dashboard_fixture import build_dashboard_warehouse
from tests.unit.metrics_fixture import STAGING_SQL

ANALYST = Viewer.analyst()
PRINCIPAL = Viewer("school", "S1", may_see_students=False, user="pat")
PRINCIPAL_STUDENTS = Viewer("school", "S1", may_see_students=True, user="pam")
PLC_LEAD = Viewer("plc", "P1", may_see_students=False, user="lee")
TEACHER = Viewer("classroom", "C1", may_see_students=True, user="tia")
D = dt.date


def _extend(path) -> None:
    con = duckdb.connect(str(path))
    try:
        con.executemany("INSERT INTO staging.cfa_results VALUES ('CFA1', 'Fractions check', 'P1', 'C2', ?, ?, ?, ?, 10, "
                        "0.8, 2026)", [("s05", "4.NF.1", D(2025, 10, 2), 9), ("s06", "4.NF.1", D(2025, 10, 2), 7),
                                       ("s06", "4.NF.2", D(2025, 10, 2), 8)])
        con.execute("INSERT INTO staging.sections VALUES ('C4', 'S1', 'T2', 'P1', 2026, 'Grade 4 C', 'math', '04')")
        con.execute((STAGING_SQL / "org_hierarchy.sql").read_text(encoding="utf-8"))
        build_cfa_mastery(con)
    finally:
        con.close()


def _add_names(path) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("ALTER TABLE staging.students ADD COLUMN IF NOT EXISTS first_name VARCHAR")
        con.execute("ALTER TABLE staging.students ADD COLUMN IF NOT EXISTS last_name VARCHAR")
        con.executemany("UPDATE staging.students SET first_name = ?, last_name = ? WHERE student_id = ?",
                        [("Zoe", "Quill", "s01"), ("Max", "Yarrow", "s02"), ("Zoe", "Vance", "s05")])
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = build_dashboard_warehouse(tmp_path_factory.mktemp("classroom") / "warehouse.duckdb")
    _extend(path)
    return path


@pytest.fixture(scope="module")
def named(tmp_path_factory):
    path = build_dashboard_warehouse(tmp_path_factory.mktemp("named") / "warehouse.duckdb")
    _extend(path)
    _add_names(path)
    return path


def _plain(value):
    return None if value is None or value != value else value  # NaN (hidden or no reason) as None


def cells(frame) -> dict:
    """(classroom or 'all', standard) -> (mastered, students, suppression_reason)."""
    return {(r.section_id if isinstance(r.section_id, str) else "all", r.standard_code):
            (_plain(r.mastered), _plain(r.students), _plain(r.suppression_reason)) for r in frame.itertuples()}


# -- the PLC's comparison ------------------------------------------------------------------------

def test_a_plcs_classrooms_are_compared_on_one_assessment_by_standard(warehouse):
    compared = queries.cfa_by_classroom(ANALYST, "plc", "P1", warehouse=warehouse, cfa="CFA1")
    assert cells(compared) == {
        ("C1", "4.NF.1"): (3, 3, None),  # s01 8/10 (the retake), s02 9/10, s03 10/10: all at or above 0.8
        ("C1", "4.NF.2"): (1, 3, None),  # s03 8/10 only; s01 7/10 and s02 4/10 are below
        ("C2", "4.NF.1"): (1, 2, None),  # s05 9/10 yes, s06 7/10 no
        ("C2", "4.NF.2"): (1, 1, None),  # s06 8/10: exactly the cut
        ("all", "4.NF.1"): (4, 5, None),  # 3 + 1 of 3 + 2
        ("all", "4.NF.2"): (2, 4, None),  # 1 + 1 of 3 + 1
    }
    teachers = dict(zip(compared.section_id, compared.teacher_name))
    assert (teachers["C1"], teachers["C2"]) == ("Ana Teacher", "Ben Teacher")  # sections.staff_id T1, T2
    assert set(compared.classroom_name.dropna()) == {"Grade 4 A (C1)", "Grade 4 B (C2)"}
    assert compared.loc[compared.section_id == "C1", "mastery_rate"].tolist() == pytest.approx([1 / 3, 1.0])  # by date


def test_a_plcs_classrooms_are_compared_on_one_standard_across_assessments(warehouse):
    compared = queries.cfa_by_classroom(ANALYST, "plc", "P1", warehouse=warehouse, standard="4.OA.1")
    # 4.OA.1 is on CFA2 only, given in C2: s03 5/10 (no), s05 9/10 (yes)
    assert cells(compared) == {("C2", "4.OA.1"): (1, 2, None), ("all", "4.OA.1"): (1, 2, None)}
    assert set(compared.cfa_id) == {"CFA2"}


def test_a_plc_lead_without_student_access_sees_cells_under_ten_students_hidden_with_the_reason(warehouse):
    compared = queries.cfa_by_classroom(PLC_LEAD, "plc", "P1", warehouse=warehouse, cfa="CFA1")
    assert len(compared) == 6 and compared.suppressed.all()  # 1 to 5 students each, minimum n 10
    assert compared.mastered.isna().all() and compared.mastery_rate.isna().all()
    assert set(compared.suppression_reason) == {"fewer than 10 students"}


def test_a_teacher_reading_their_plc_sees_their_classroom_and_the_total_never_a_colleagues(warehouse):
    compared = queries.cfa_by_classroom(TEACHER, "plc", "P1", warehouse=warehouse, cfa="CFA1")
    assert cells(compared) == {
        ("C1", "4.NF.1"): (3, 3, None),  # their own classroom: student-level, exact
        ("C1", "4.NF.2"): (1, 3, None),
        ("all", "4.NF.1"): (None, None, "fewer than 10 students"),  # the PLC is above them: staff rules, n 5
        ("all", "4.NF.2"): (None, None, "fewer than 10 students"),  # n 4
    }  # no C2 row: a colleague's classroom


def test_a_comparison_needs_an_assessment_or_a_standard_and_an_entity_in_view(warehouse):
    with pytest.raises(DataError, match="choose an assessment or a standard"):
        queries.cfa_by_classroom(ANALYST, "plc", "P1", warehouse=warehouse)
    with pytest.raises(AccessDenied):
        queries.cfa_by_classroom(PRINCIPAL, "plc", "P2", warehouse=warehouse, cfa="CFA1")  # P2 is at S2


def test_the_layer_below_leaves_out_classrooms_without_cfa_results(warehouse):
    kids = queries.children(ANALYST, "plc", "P1", warehouse=warehouse, year=2026)
    assert set(kids.entity_id) == {"C1", "C2", "C4"}  # C4 has no CFA
    with_cfa = queries.cfa_entities(ANALYST, "school", "S1", warehouse=warehouse, year=2026)
    assert set(zip(with_cfa.level, with_cfa.entity_id, with_cfa.teacher_name.fillna("-"))) == {
        ("classroom", "C1", "Ana Teacher"), ("classroom", "C2", "Ben Teacher"), ("plc", "P1", "-")}
    mine = queries.cfa_entities(TEACHER, "plc", "P1", warehouse=warehouse, year=2026)
    assert set(zip(mine.level, mine.entity_id)) == {("classroom", "C1")}  # what a teacher may open


# -- re-teach groups -----------------------------------------------------------------------------

def test_re_teach_groups_list_the_students_below_the_cut_by_classroom_and_standard(warehouse):
    groups = queries.reteach_groups(ANALYST, "plc", "P1", warehouse=warehouse, cfa="CFA1")
    assert list(zip(groups.section_id, groups.standard_code, groups.student_id, groups.score)) == [
        ("C1", "4.NF.2", "s01", 7), ("C1", "4.NF.2", "s02", 4),  # 7/10 and 4/10 < 0.8
        ("C2", "4.NF.1", "s06", 7),  # 7/10; s06's 4.NF.2 8/10 is exactly the cut: mastered
    ]
    assert groups.first_name.isna().all()  # no names in this warehouse
    by_standard = queries.reteach_groups(PRINCIPAL_STUDENTS, "school", "S1", warehouse=warehouse, standard="4.OA.1")
    assert list(by_standard.student_id) == ["s03"]  # CFA2 4.OA.1: s03 5/10; s05 9/10 mastered


def test_a_teacher_gets_the_re_teach_group_of_their_classroom_only(warehouse, caplog):
    groups = queries.reteach_groups(TEACHER, "classroom", "C1", warehouse=warehouse, cfa="CFA1")
    assert list(groups.student_id) == ["s01", "s02"]
    with caplog.at_level(logging.WARNING, logger="alignboard.access"):
        for viewer, level, entity in ((TEACHER, "plc", "P1"), (TEACHER, "classroom", "C2"),
                                      (PLC_LEAD, "plc", "P1"), (PRINCIPAL, "school", "S1")):
            with pytest.raises(AccessDenied):
                queries.reteach_groups(viewer, level, entity, warehouse=warehouse, cfa="CFA1")
    assert len([r for r in caplog.records if r.name == "alignboard.access"]) == 4
    assert "s06" not in caplog.text and "4.NF" not in caplog.text  # who asked, never student rows


def test_re_teach_groups_carry_names_when_students_csv_has_them(named):
    groups = queries.reteach_groups(TEACHER, "classroom", "C1", warehouse=named, cfa="CFA1")
    assert list(zip(groups.student_id, groups.first_name, groups.last_name)) == [("s01", "Zoe", "Quill"),
                                                                                  ("s02", "Max", "Yarrow")]


# -- the student search --------------------------------------------------------------------------

def test_a_teacher_finds_their_students_by_id_and_no_one_elses(warehouse):
    found = queries.student_search(TEACHER, "s0", warehouse=warehouse)
    assert list(found.student_id) == ["s01", "s02", "s03", "s04"]  # C1's students; s05..s09 are elsewhere
    assert queries.student_search(TEACHER, "s05", warehouse=warehouse).empty
    assert list(queries.student_search(ANALYST, "S0", warehouse=warehouse).student_id) == [
        f"s0{i}" for i in range(1, 10)]  # case-insensitive, everyone for the analyst
    assert queries.student_search(ANALYST, "%", warehouse=warehouse).empty  # no wildcards: a literal %


def test_a_search_by_name_matches_first_last_or_both_in_the_viewers_scope(named):
    assert list(queries.student_search(ANALYST, "zoe", warehouse=named).last_name) == ["Quill", "Vance"]
    assert list(queries.student_search(TEACHER, "zoe", warehouse=named).student_id) == ["s01"]  # s05 is in C2
    assert list(queries.student_search(TEACHER, "quill zoe", warehouse=named).student_id) == ["s01"]
    assert list(queries.student_search(TEACHER, "Zoe Quill", warehouse=named).student_id) == ["s01"]
    row = queries.student_search(TEACHER, "yarrow", warehouse=named).iloc[0]
    assert (row.student_id, row.school_name, row.grade_level, row.school_year) == ("s02", "Maple Elementary", "04", 2026)


def test_a_search_returns_at_most_its_limit_and_reads_a_bounded_text(warehouse):
    assert len(queries.student_search(ANALYST, "s", warehouse=warehouse, limit=2)) == 2  # 9 match
    with pytest.raises(DataError):
        queries.student_search(ANALYST, "s", warehouse=warehouse, limit=51)
    for text in ("", "   ", "x" * 101):
        with pytest.raises(DataError, match="1 to 100 characters"):
            queries.student_search(ANALYST, text, warehouse=warehouse)


def test_a_viewer_without_student_access_cannot_search(warehouse, caplog):
    with caplog.at_level(logging.WARNING, logger="alignboard.access"):
        for viewer in (PRINCIPAL, PLC_LEAD):
            with pytest.raises(AccessDenied):
                queries.student_search(viewer, "s0", warehouse=warehouse)
    assert caplog.text.count("a student search") == 2 and "no student access" in caplog.text


# -- the student folder --------------------------------------------------------------------------

def test_the_folder_names_the_student_their_classes_and_schools(named):
    folder = queries.student_folder(TEACHER, "s02", warehouse=named)
    assert (folder["student"]["first_name"], folder["student"]["last_name"]) == ("Max", "Yarrow")
    classes = folder["classes"]  # s02 is in C1 only: Grade 4 A, ela, T1 Ana Teacher, from 2025-09-01
    assert list(zip(classes.course_name, classes.subject, classes.teacher_name, classes.school_name)) == [
        ("Grade 4 A", "ela", "Ana Teacher", "Maple Elementary")]
    assert list(folder["attendance"].school_name) == ["Maple Elementary"]
    assert list(folder["discipline"].school_name) == ["Maple Elementary", "Maple Elementary"]
    assert set(folder["cfa"].course_name) == {"Grade 4 A"}  # CFA1 was given in C1
    unnamed = queries.student_folder(TEACHER, "s03", warehouse=named)["student"]
    assert (unnamed["first_name"], unnamed["last_name"]) == (None, None)


def test_the_folders_classes_are_only_those_of_the_visible_years(warehouse):
    # s01 was in C9 in 2025 and C1 in 2026; the teacher of C1 sees 2026 only, the analyst both
    assert list(queries.student_folder(TEACHER, "s01", warehouse=warehouse)["classes"].school_year) == [2026]
    assert list(queries.student_folder(ANALYST, "s01", warehouse=warehouse)["classes"].school_year) == [2026, 2025]


# -- words for codes -----------------------------------------------------------------------------

def test_codes_read_as_words():
    assert code_label("oss", ACTIONS) == "Out-of-school suspension"
    assert code_label("excused_absence", ATTENDANCE_STATUSES) == "Excused absence"
    assert code_label("dress_code") == "Dress code"  # a code without a listed word: its own words
    assert code_label(None) == ""
    assert (tier_label(2), tier_label(3)) == ("Tier 2 (targeted)", "Tier 3 (intensive)")
    assert (grade_label("04"), grade_label("KG"), grade_label("10")) == ("4", "Kindergarten", "10")
    assert student_label("s01", "Ana", "Lee") == "Lee, Ana (s01)"
    assert student_label("s01", None, None) == "s01"


def test_choosing_an_assessment_clears_the_standard_and_back():
    assert changed_view("/classroom", "?level=plc&entity=P1&standard=4.NF.1", "cfa", "CFA1", None) == \
        "/classroom?level=plc&entity=P1&cfa=CFA1"
    assert changed_view("/classroom", "?level=plc&entity=P1&cfa=CFA1", "standard", "4.NF.2", None) == \
        "/classroom?level=plc&entity=P1&standard=4.NF.2"


def test_names_reach_only_viewers_with_student_access(named):
    roster = queries.roster(TEACHER, "classroom", "C1", warehouse=named)
    assert list(zip(roster.student_id, roster.last_name.fillna("-"))) == [
        ("s01", "Quill"), ("s02", "Yarrow"), ("s03", "-"), ("s04", "-")]
    names = ("Zoe", "Max", "Quill", "Yarrow", "Vance")
    for viewer in (PRINCIPAL, PLC_LEAD):  # staff: the aggregates carry no names, the student reads are refused
        shown = [queries.cfa_mastery(viewer, "plc", "P1", warehouse=named),
                 queries.cfa_by_classroom(viewer, "plc", "P1", warehouse=named, cfa="CFA1"),
                 queries.cfa_entities(viewer, "plc", "P1", warehouse=named)]
        text = " ".join(frame.to_csv() for frame in shown)
        assert not any(name in text for name in names)
        for read in (lambda: queries.roster(viewer, "plc", "P1", warehouse=named),
                     lambda: queries.reteach_groups(viewer, "plc", "P1", warehouse=named, cfa="CFA1"),
                     lambda: queries.student_search(viewer, "Quill", warehouse=named),
                     lambda: queries.student_folder(viewer, "s01", warehouse=named)):
            with pytest.raises(AccessDenied):
                read()
