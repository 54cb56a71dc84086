"""`alignboard export early-warning` through the query layer: every student's indicators as of a
day, computed on request from the staging tables of the hand-built district (metrics_fixture.py,
with early_warning_fixture.py's s10-s16 and names), kept to the students the viewer may see.

As of 2025-11-30, from metrics_fixture.py's rows (no course marks, no benchmark by then):
  s01 9P 1U: 1 of 10 days = 10% -> chronic           s02 9 days only -> none; OSS of 2 days -> Y
  s04 one incident ('other', no removal) -> N          s05 8P 1E 1U: 2 of 10 = 20% -> severe; ISS -> Y
  s08 9P 1E: 1 of 10 -> chronic; expulsion -> Y        s09 1 of 12 days (6 at S1, 6 at S2) -> none
  supports (interventions since 2025-10-02): s02 math|reading, s04 math, s06 and s07 behavior
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import duckdb
import pytest

from assets.warehouse import SETUP_SQL
from dashboards import queries
from dashboards.queries import AccessDenied, DataError, Viewer
from dashboards.queries.early_warning import EXPORT_COLUMNS
from tests.unit.early_warning_fixture import build_early_warning_warehouse

DAY = dt.date(2025, 11, 30)
ANALYST = Viewer.analyst()
TEACHER = Viewer("classroom", "C1", may_see_students=True, user="tia")
PRINCIPAL_STUDENTS = Viewer("school", "S1", may_see_students=True, user="pam")
PRINCIPAL = Viewer("school", "S1", may_see_students=False, user="pat")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = build_early_warning_warehouse(tmp_path_factory.mktemp("ews_export") / "warehouse.duckdb")
    with duckdb.connect(str(path)) as con:
        con.execute(SETUP_SQL)  # the macros a load creates in every warehouse
        # the district sends no course marks: the optional file loads as an empty table
        con.execute("CREATE TABLE staging.course_marks (student_id VARCHAR, section_id VARCHAR, school_year INTEGER, "
                    "grading_period VARCHAR, period_end_date DATE, mark VARCHAR, mark_letter VARCHAR, "
                    "mark_score DOUBLE)")
    return path


def export(viewer, warehouse, **options) -> tuple[str, dict[str, dict]]:
    out = io.StringIO()
    count = queries.write_early_warning_csv(viewer, out, as_of=DAY, warehouse=warehouse, **options)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == count
    return out.getvalue(), {r["student_id"]: r for r in rows}


def test_the_indicators_are_computed_as_of_the_day_for_every_student(warehouse):
    text, rows = export(ANALYST, warehouse)
    assert text.splitlines()[0] == ",".join(EXPORT_COLUMNS)
    # 2025-26: s01-s09 and s10-s16, flagged or not
    assert sorted(rows) == [f"s{i:02d}" for i in range(1, 17)]
    s01, s02, s05, s08 = rows["s01"], rows["s02"], rows["s05"], rows["s08"]
    assert (s01["attendance"], s01["enrolled_days"], s01["absent_days"], s01["absence_rate"], s01["flags"]) == (
        "chronic", "10", "1", "0.1000", "1")
    assert (s02["attendance"], s02["behavior"], s02["removals"], s02["supports"], s02["flags"]) == (
        "none", "Y", "1", "math|reading", "1")
    assert (s05["attendance"], s05["absence_rate"], s05["behavior"], s05["flags"]) == ("severe", "0.2000", "Y", "2")
    assert (s08["school_id"], s08["attendance"], s08["behavior"], s08["flags"]) == ("S2", "chronic", "Y", "2")
    assert (rows["s04"]["behavior"], rows["s04"]["incidents"], rows["s04"]["supports"]) == ("N", "1", "math")
    assert (rows["s09"]["enrolled_days"], rows["s09"]["absence_rate"], rows["s09"]["attendance"]) == (
        "12", "0.0833", "none")
    # no marks and no benchmark by the day: course and assessment blank
    assert {r["course"] for r in rows.values()} == {r["assessment"] for r in rows.values()} == {""}


def test_a_teacher_exports_only_the_students_of_their_classroom(warehouse):
    # C1: s01-s04 (the values are the analyst's: the same computation, fewer rows)
    _, mine = export(TEACHER, warehouse)
    _, everyone = export(ANALYST, warehouse)
    assert sorted(mine) == ["s01", "s02", "s03", "s04"]
    assert all(mine[s] == everyone[s] for s in mine)
    # a school of theirs is an ancestor: aggregates only, never its students
    with pytest.raises(AccessDenied):
        export(TEACHER, warehouse, school="S1")


def test_a_principal_with_student_access_exports_the_students_of_the_school(warehouse):
    # S1's students of 2025-26: s01-s06, s09 (its school of the year) and s10-s16 = 14; not s07, s08 (S2)
    _, rows = export(PRINCIPAL_STUDENTS, warehouse)
    assert sorted(rows) == [f"s0{i}" for i in (1, 2, 3, 4, 5, 6, 9)] + [f"s{i}" for i in range(10, 17)]
    _, one_school = export(PRINCIPAL_STUDENTS, warehouse, school="S1")
    assert one_school == rows
    with pytest.raises(AccessDenied):
        export(PRINCIPAL_STUDENTS, warehouse, school="S2")


def test_no_student_row_and_no_name_for_staff_without_student_access_or_the_public(warehouse, caplog):
    for viewer, public in ((PRINCIPAL, False), (ANALYST, True)):
        with pytest.raises(AccessDenied) as refused:
            export(viewer, warehouse, public=public)
        assert str(refused.value) == "students' early-warning indicators is not in your scope"
    assert "user='pat'" in caplog.text and "(no student access)" in caplog.text
    # a student-level viewer gets ids, never names (s01 is Zoe Quill, s02 Max Yarrow)
    text, _ = export(ANALYST, warehouse)
    assert not any(name in text for name in ("Zoe", "Quill", "Max", "Yarrow"))
    assert not {"first_name", "last_name"} & set(EXPORT_COLUMNS)


def test_an_unknown_school_is_one_line(warehouse):
    with pytest.raises(DataError) as unknown:
        export(ANALYST, warehouse, school="S9")
    assert str(unknown.value) == "unknown school 'S9'"
