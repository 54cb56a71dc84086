"""course_marks.csv: its contract on hand-made rows (which marks load, which are quarantined and
why) and the staging table that splits a mark into a letter or a score."""
from __future__ import annotations

from dataclasses import replace

import duckdb
import pytest

from assets.staging.build import SQL_DIR
from assets.warehouse import SETUP_SQL
from data_contracts.contract import load_contracts
from tests.unit.test_row_rules import run

HEADER = ["student_id", "section_id", "school_year", "grading_period", "period_end_date", "mark", "credit_attempted"]
# the contract under the work-table name the row-rule helper reads back
CONTRACT = replace(load_contracts()["course_marks"], file="t")


@pytest.fixture
def con():
    con = duckdb.connect()
    for schema in ("raw", "quarantine", "staging", "ingest_work"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute(SETUP_SQL)
    # student 001 in section S26 (2025-26) and section S25 (2024-25); student 002 only in S26
    con.execute("CREATE TABLE staging.students AS SELECT * FROM (VALUES ('001', 2025), ('001', 2026), "
                "('002', 2026)) AS t(student_id, school_year)")
    con.execute("CREATE TABLE staging.sections AS SELECT * FROM (VALUES ('S26', 2026), ('S25', 2025), "
                "('S99', 2026)) AS t(section_id, school_year)")
    con.execute("CREATE TABLE staging.section_enrollments AS SELECT * FROM (VALUES ('S26', '001', 2026), "
                "('S26', '002', 2026), ('S25', '001', 2025)) AS t(section_id, student_id, school_year)")
    yield con
    con.close()


def test_a_mark_is_a_letter_or_a_number_from_0_to_100(con):
    marks = ["A", "f", " B ", "0", "100", "59.5", "100.5", "-1", "A+", "E", "P", ""]
    rows = [["001", "S26", "2026", f"Q{i}", "2025-10-31", mark, ""] for i, mark in enumerate(marks)]
    valid, bad = run(con, CONTRACT, HEADER, rows)
    # lines 2..13: the first six load (a letter of any case, trimmed; 0, 100 and 59.5 are in range)
    assert sorted(r[5] for r in valid) == ["0", "100", "59.5", "A", "B", "f"]
    rule = ["rule:mark_not_letter_or_0_to_100"]
    assert bad == {8: rule, 9: rule, 10: rule, 11: rule, 12: rule, 13: ["missing:mark"]}


def test_a_mark_needs_the_student_enrolled_in_a_section_of_its_school_year(con):
    rows = [
        ["001", "S26", "2026", "Q1", "2025-10-31", "C", ""],  # line 2: enrolled, 2025-26
        ["001", "S25", "2026", "Q1", "2025-10-31", "C", ""],  # line 3: S25 is a 2024-25 section
        ["002", "S25", "2025", "Q1", "2024-10-31", "C", ""],  # line 4: 002 was never in S25 (nor a 2025 student)
        ["001", "S99", "2026", "Q1", "2025-10-31", "C", ""],  # line 5: nobody is enrolled in S99
        ["001", "S00", "2026", "Q1", "2025-10-31", "C", ""],  # line 6: no such section
        ["001", "S26", "2026", "Q2", "2026-07-01", "C", "0.25"],  # line 7: July 1 starts 2026-27
    ]
    valid, bad = run(con, CONTRACT, HEADER, rows)
    assert len(valid) == 1
    assert bad == {
        3: ["orphan:section_enrollments"],
        4: ["orphan:section_enrollments", "orphan:students"],
        5: ["orphan:section_enrollments"],
        6: ["orphan:sections", "orphan:section_enrollments"],
        7: ["rule:period_end_outside_school_year"],
    }


def test_staging_splits_a_mark_into_its_letter_or_its_score():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA staging")
    con.execute("""CREATE TABLE raw.course_marks AS SELECT * FROM (VALUES
        ('001', 'S26', 2026, 'Q1', DATE '2025-10-31', 'f', NULL),
        ('001', 'S27', 2026, 'Q1', DATE '2025-10-31', '59.5', 0.25),
        ('001', 'S28', 2026, 'Q1', DATE '2025-10-31', 'B', NULL))
        AS t(student_id, section_id, school_year, grading_period, period_end_date, mark, credit_attempted)""")
    con.execute((SQL_DIR / "course_marks.sql").read_text())
    rows = con.execute("SELECT section_id, mark, mark_letter, mark_score, credit_attempted "
                       "FROM staging.course_marks ORDER BY section_id").fetchall()
    assert rows == [("S26", "F", "F", None, None), ("S27", "59.5", None, 59.5, 0.25), ("S28", "B", "B", None, None)]
