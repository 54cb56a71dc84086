"""The dashboard fixture (dashboard_fixture.py, the district of metrics_fixture.py) with early
warning: seven more students at S1 so that some cells reach the minimum n of 10, names (the
optional columns of students.csv: s01 Zoe Quill, s02 Max Yarrow), and a
hand-written mart.early_warning at two month ends of 2025-26 and one of 2024-25.

Students of 2025-26 (metrics_fixture.py's s01-s09, and s10-s16: S1, grade 04, white, classroom C2
of teacher T2 "Ben Teacher"): S1 has s01-s06, s09, s10-s16 (14), S2 s07, s08 (2): 16 in D1.
Classroom C1 (teacher T1 "Ana Teacher"): s01-s04. Race: white s05 s06 s08 s10-s16 (10), black
s02 s04 s07 (3), hispanic_latino s01, two_or_more s03, unknown s09.

mart.early_warning on 2025-11-30 (A attendance, B behavior, C course, D assessment; supports as
the interventions of metrics_fixture.py, all active since 2025-10-02):
  s01 A chronic (3 of 30 days)         no support
  s02 B (1 removal) and C (1 core F)   reading|math
  s04 D (math not proficient)          math
  s05 B (1 removal)                    no support
  s06 nothing                          behavior
  s07 A severe (7 of 30 days)          behavior
  s08 B (1 removal)                    no support
  s10 C (2 failing marks)              no support
  s03 s09 s11-s16: nothing, no support
On 2025-10-31: s02 C, s04 D, s07 A severe, supports as above; every other student nothing.
On 2025-05-31 (2024-25): s01 B (2 incidents), s04 nothing.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from assets.early_warning.indicators import COLUMNS
from tests.unit.dashboard_fixture import build_dashboard_warehouse
from tests.unit.metrics_fixture import STAGING_SQL

NOVEMBER, OCTOBER, LAST_MAY = dt.date(2025, 11, 30), dt.date(2025, 10, 31), dt.date(2025, 5, 31)
EXTRA = [f"s{i}" for i in range(10, 17)]
NAMES = [("s01", 2026, "Zoe", "Quill"), ("s02", 2026, "Max", "Yarrow"), ("s01", 2025, "Zoe", "Quill")]
SUPPORTS = {"s02": "math|reading", "s04": "math", "s06": "behavior", "s07": "behavior"}
SCHOOL = {"s07": "S2", "s08": "S2"}
GRADE = {"s07": "07", "s08": "07"}


def _row(as_of, student, *, year=2026, attendance="none", behavior="N", course=None, assessment=None,
         supports=None, enrolled=30, absent=0, removals=0, incidents=0, failing=None, core=None,
         not_proficient=None) -> dict:
    flags = (attendance != "none") + (behavior == "Y") + (course == "Y") + (assessment == "Y")
    return {"as_of": as_of, "school_year": year, "student_id": student, "school_id": SCHOOL.get(student, "S1"),
            "grade_level": GRADE.get(student, "04" if year == 2026 else "03"), "attendance": attendance,
            "behavior": behavior, "course": course, "assessment": assessment, "flags": flags, "supports": supports,
            "enrolled_days": enrolled, "absent_days": absent, "absence_rate": absent / enrolled,
            "removals": removals, "incidents": incidents, "grading_period": "Q1" if course else None,
            "failing_marks": failing, "failing_core_marks": core,
            "benchmark_date": dt.date(2025, 9, 20) if assessment else None,
            "benchmark_not_proficient": "math" if assessment == "Y" else None}


def mart_rows() -> list[dict]:
    students = [f"s0{i}" for i in range(1, 10)] + EXTRA
    flagged = {
        "s01": {"attendance": "chronic", "absent": 3},
        "s02": {"behavior": "Y", "removals": 1, "incidents": 1, "course": "Y", "failing": 1, "core": 1},
        "s04": {"assessment": "Y"},
        "s05": {"behavior": "Y", "removals": 1, "incidents": 1},
        "s07": {"attendance": "severe", "absent": 7},
        "s08": {"behavior": "Y", "removals": 1, "incidents": 1},
        "s10": {"course": "Y", "failing": 2, "core": 0},
    }
    october = {"s02": {"course": "Y", "failing": 1, "core": 1}, "s04": {"assessment": "Y"},
               "s07": {"attendance": "severe", "absent": 7}}
    rows = [_row(NOVEMBER, s, supports=SUPPORTS.get(s), **flagged.get(s, {})) for s in students]
    rows += [_row(OCTOBER, s, supports=SUPPORTS.get(s), **october.get(s, {})) for s in students]
    rows += [_row(LAST_MAY, "s01", year=2025, behavior="Y", incidents=2), _row(LAST_MAY, "s04", year=2025)]
    return rows


def build_early_warning_warehouse(path: Path) -> Path:
    build_dashboard_warehouse(path)
    con = duckdb.connect(str(path))
    try:
        con.executemany("INSERT INTO raw.students (student_id, school_id, school_year, grade_level, sex, "
                        "hispanic_latino, races, english_learner, idea_disability, economically_disadvantaged) "
                        "VALUES (?, 'S1', 2026, '04', 'F', false, 'white', false, false, false)", [(s,) for s in EXTRA])
        con.executemany("UPDATE raw.students SET first_name = ?, last_name = ? WHERE student_id = ? AND school_year = ?",
                        [(first, last, student, year) for student, year, first, last in NAMES])
        for name in ("students", "student_groups", "org_hierarchy"):
            con.execute((STAGING_SQL / f"{name}.sql").read_text(encoding="utf-8"))
        con.executemany("INSERT INTO staging.section_enrollments VALUES ('C2', ?, '2025-09-01', NULL, 2026)",
                        [(s,) for s in EXTRA])
        con.execute("""CREATE TABLE mart.early_warning (as_of DATE, school_year INTEGER, student_id VARCHAR,
            school_id VARCHAR, grade_level VARCHAR, attendance VARCHAR, behavior VARCHAR, course VARCHAR,
            assessment VARCHAR, flags INTEGER, supports VARCHAR, enrolled_days INTEGER, absent_days INTEGER,
            absence_rate DOUBLE, removals INTEGER, incidents INTEGER, grading_period VARCHAR,
            failing_marks INTEGER, failing_core_marks INTEGER, benchmark_date DATE,
            benchmark_not_proficient VARCHAR)""")
        con.executemany(f"INSERT INTO mart.early_warning VALUES ({', '.join('?' * len(COLUMNS))})",
                        [[row[c] for c in COLUMNS] for row in mart_rows()])
    finally:
        con.close()
    return path
