"""The bad-input matrix: real-world export faults in the core files, one night each, and the
good night after it. Each night breaks several files at once (one way each, computed by hand),
so the matrix costs a few loads rather than one per input.

Every case checks: the exit code, each file's one-line message (file, line, column), rows read
= loaded + quarantined, every foreign key resolving, and that the next clean night rebuilds
exactly the warehouse a clean load builds.
"""
from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass, field

import duckdb
import pytest

from tests.integration.landing_builder import CLEAN, write_landing
from tests.reliability.harness import CORE, assert_reconciled, foreign_key_violations, load, quality, snapshot

pytestmark = pytest.mark.integration



def text(rows: list[list[str]], newline: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue()


def rows(name: str) -> list[list[str]]:
    return [list(r) for r in CLEAN[f"{name}.csv"]]


@dataclass
class Case:
    """One file broken one way: its bytes, and what the load must say about it."""

    input: str  # the kind of input, as the issue names it
    file: str
    data: bytes
    status: str
    counts: tuple[int, int, int]  # rows read, loaded, quarantined
    message: str | None = None  # the load's one line about this file
    quarantined: list[tuple[int, list[str]]] = field(default_factory=list)  # (line, reasons)
    encoding: str | None = "utf-8"


STUDENTS_SEMICOLONS = (
    "students.csv: line 1: missing required columns student_id, school_id, school_year, grade_level, sex, "
    "hispanic_latino, races, english_learner, idea_disability, economically_disadvantaged (found: student_id;school_id;school_year;grade_level;sex;hispanic_latino;races;english_learner;"
    "idea_disability;economically_disadvantaged)"
)
# A rejected file's dependants do not run that night (their last good data stays), so a night
# breaks several files only where none depends on a rejected one.
NIGHTS = {
    "encodings_and_binary": [
        # a name is one line: the second district (lines 3-4, one record) is quarantined, and 1 of 2
        # rows quarantined (50%) is above the 1% warning share
        Case("quoted newline", "districts", b'district_id,district_name\nD1,Demo District\nD2,"Demo\nDistrict"\n',
             "loaded_with_warnings", (2, 1, 1), quarantined=[(3, ["control_character:district_name"])]),
        Case("Windows-1252", "schools",
             text([r if r[0] != "S1" else [r[0], "Élémentaire Nord", *r[2:]] for r in rows("schools")],
                  "\r\n").encode("cp1252"),
             "loaded", (2, 2, 0), encoding="cp1252"),
        Case("CRLF", "students", text(rows("students"), "\r\n").encode(), "loaded", (6, 6, 0)),
        Case("binary", "attendance_daily", b"PK\x03\x04\x00\x00\x08\x00\xff\xfe" * 40, "rejected", (0, 0, 0),
             "attendance_daily.csv: line 1: not a CSV text file (binary content)", encoding=None),
    ],
    "values": [
        # a third school named with 100,000 characters, on line 4 (1 of 3 rows quarantined: warnings)
        Case("100,000-character field", "schools",
             text(rows("schools") + [["S3", "M" * 100_000, "D1", "high"]]).encode(),
             "loaded_with_warnings", (3, 2, 1), quarantined=[(4, ["too_long:school_name"])]),
        # an exact copy of line 2 as line 8: the first copy loads
        Case("duplicated rows", "students", text(rows("students") + rows("students")[1:2]).encode(),
             "loaded_with_warnings", (7, 6, 1), quarantined=[(8, ["duplicate_row"])]),
        # every date 09/02/2025: 30 invalid dates, no valid row, so the file is rejected
        Case("dates as MM/DD/YYYY", "attendance_daily",
             text([rows("attendance_daily")[0]] + [[a, b, f"{d[5:7]}/{d[8:]}/{d[:4]}", s]
                                                   for a, b, d, s in rows("attendance_daily")[1:]]).encode(),
             "rejected", (30, 0, 30),
             "attendance_daily.csv: rejected: none of its 30 rows is valid (see quarantine.attendance_daily)",
             quarantined=[(line, ["invalid_date:calendar_date"]) for line in range(2, 32)]),
    ],
    "cut_and_pasted": [
        # the last student's line cut after 6 of its 10 fields, with no newline: line 7 is malformed
        Case("truncated last line", "students", text(rows("students")).encode()[:-len(",white,N,Y,Y\n")],
             "loaded_with_warnings", (6, 5, 1), quarantined=[(7, ["malformed_row:missing_columns"])]),
        # the header again as line 17 (two exports pasted together); and 00106, whose students line
        # was cut, is now an orphan on lines 28-32 (data rows 26-30, one line down)
        Case("repeated header", "attendance_daily",
             text(rows("attendance_daily")[:16] + rows("attendance_daily")[:1] + rows("attendance_daily")[16:]).encode(),
             "loaded_with_warnings", (31, 25, 6),
             quarantined=[(17, ["invalid_date:calendar_date", "unknown_code:status", "orphan:schools"])]
             + [(line, ["orphan:students"]) for line in range(28, 33)]),
    ],
    "empty": [Case("empty", "schools", b"", "rejected", (0, 0, 0), "schools.csv: empty file, no header row",
                   encoding=None)],
    "semicolons": [Case("semicolons", "students", text(rows("students")).replace(",", ";").encode(), "rejected",
                        (0, 0, 0), STUDENTS_SEMICOLONS, encoding=None)],
    "header_only": [Case("header only", "districts", text(rows("districts")[:1]).encode(), "rejected", (0, 0, 0),
                         "districts.csv: rejected: header only, no data rows")],
    # last year's students: its newest school year is older than the one loaded
    "last_year": [Case(
        "last year's export", "students",
        text([r if i == 0 else [r[0], r[1], "2025", *r[3:]] for i, r in enumerate(rows("students"))]).encode(),
        "rejected", (6, 0, 6),
        "students.csv: rejected: its newest school_year is older than the data already loaded (is it last "
        "year's export?); if the change is intended, run `alignboard accept students.csv --reason TEXT` "
        "and load again")],
}


@pytest.fixture(scope="module")
def clean_warehouse(tmp_path_factory):
    """One clean load shared by every night: each copies it."""
    folder = tmp_path_factory.mktemp("clean")
    warehouse = folder / "warehouse.duckdb"
    assert load(write_landing(folder / "landing", CLEAN), warehouse, None, files=CORE)[0] == 0
    return warehouse, snapshot(warehouse)


@pytest.mark.parametrize("night", list(NIGHTS))
def test_bad_night_then_good_night(night, clean_warehouse, tmp_path, capsys):
    clean_path, clean = clean_warehouse
    cases = NIGHTS[night]
    landing = write_landing(tmp_path / "landing", CLEAN)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(clean_path, warehouse)
    for case in cases:
        (landing / f"{case.file}.csv").write_bytes(case.data)

    code, errors = load(landing, warehouse, capsys, files=CORE)
    expected = [f"alignboard load: {c.message}" for c in cases if c.message]
    assert code == (1 if expected else 0)
    assert sorted(errors.splitlines()) == sorted(expected)
    report = quality(warehouse, capsys)
    for case in cases:
        row = report[case.file]
        assert row["status"] == case.status, case.input
        assert (row["rows_read"], row["rows_loaded"], row["rows_quarantined"]) == case.counts, case.input
        assert row["encoding"] == case.encoding, case.input
        if case.quarantined:
            with duckdb.connect(str(warehouse), read_only=True) as con:
                found = con.execute(
                    f"SELECT line_number, reasons FROM quarantine.{case.file} ORDER BY line_number").fetchall()
            assert found == [(line, reasons) for line, reasons in case.quarantined], case.input
        if case.status == "rejected":  # its last good data stays
            for table in (f"raw.{case.file}", f"staging.{case.file}"):
                assert snapshot(warehouse)[table] == clean[table], case.input
    assert_reconciled(report)
    assert foreign_key_violations(warehouse) == {}

    write_landing(landing, CLEAN)
    assert load(landing, warehouse, capsys, files=CORE) == (0, "")
    assert snapshot(warehouse) == clean


def test_the_matrix_covers_every_input_the_issue_names():
    named = {"empty", "header only", "binary", "Windows-1252", "semicolons", "CRLF", "truncated last line",
             "repeated header", "quoted newline", "100,000-character field", "dates as MM/DD/YYYY",
             "duplicated rows", "last year's export"}  # the rollover: tests/reliability/test_nights.py
    assert {c.input for cases in NIGHTS.values() for c in cases} == named
