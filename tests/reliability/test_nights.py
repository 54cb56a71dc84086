"""The issue's nights, end to end through `alignboard load`: a bad night never spoils a good one."""
from __future__ import annotations

import getpass
import os

import duckdb
import pytest

from data_contracts.contract import load_contracts
from pipelines.cli import main
from tests.integration.landing_builder import CLEAN, write_csv, write_landing
from tests.reliability.harness import (
    assert_reconciled,
    foreign_key_violations,
    load,
    quality,
    snapshot,
)

pytestmark = pytest.mark.integration

ACCENTED = "Élémentaire Nord"
CFA_HEADER = [c.name for c in load_contracts()["cfa_results"].columns]


def accented(files: dict) -> dict:
    """The clean district with school S1 renamed to a name with accents."""
    files = {name: [list(r) for r in rows] for name, rows in files.items()}
    files["schools.csv"][1][1] = ACCENTED
    return files


def query(warehouse, sql):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_windows_1252_night_then_clean_night_equals_a_clean_load(tmp_path, capsys):
    good_night = accented(CLEAN)
    # what a clean load of the good night's files builds
    clean = tmp_path / "clean.duckdb"
    assert load(write_landing(tmp_path / "clean_landing", good_night), clean, capsys)[0] == 0

    # night 1: schools.csv saved by Excel as Windows-1252, and a header-only cfa_results.csv
    landing = write_landing(tmp_path / "landing", good_night)
    with (landing / "schools.csv").open("w", encoding="cp1252", newline="") as handle:
        handle.write("school_id,school_name,district_id,school_level\r\n")
        handle.write(f"S1,{ACCENTED},D1,elementary\r\nS2,South Middle,D1,middle\r\n")
    write_csv(landing / "cfa_results.csv", [CFA_HEADER])
    warehouse = tmp_path / "warehouse.duckdb"
    code, errors = load(landing, warehouse, capsys)
    assert code == 1
    assert errors == "alignboard load: cfa_results.csv: rejected: header only, no data rows"
    report = quality(warehouse, capsys)
    assert (report["schools"]["status"], report["schools"]["encoding"], report["schools"]["rows_loaded"]) == (
        "loaded", "cp1252", 2)
    assert report["students"]["rows_loaded"] == 6 and report["attendance_daily"]["rows_loaded"] == 30
    assert_reconciled(report)
    assert query(warehouse, "SELECT school_name FROM staging.schools WHERE school_id = 'S1'") == [(ACCENTED,)]
    assert foreign_key_violations(warehouse) == {}

    # night 2: the same files, clean
    write_landing(landing, good_night)
    (landing / "cfa_results.csv").unlink()
    assert load(landing, warehouse, capsys) == (0, "")
    assert quality(warehouse, capsys)["schools"]["encoding"] == "utf-8"
    assert snapshot(warehouse) == snapshot(clean)


def test_a_school_dropped_from_under_kept_data_is_rejected_and_the_next_night_recovers(
    after_clean_night, clean_snapshot, capsys
):
    landing, warehouse = after_clean_night

    # night 1: S2's row is broken (quarantined) and no attendance file came (its data is kept)
    write_csv(landing / "schools.csv", CLEAN["schools.csv"][:2] + [["S2", "South Middle", "D1", "midle"]])
    (landing / "attendance_daily.csv").unlink()
    code, errors = load(landing, warehouse, capsys)
    assert code == 1
    # S2 has 3 students x 5 days of kept attendance
    assert errors == (
        "alignboard load: schools.csv: rejected: drops keys still used by 15 kept rows of other files "
        "(school_id S2 is still used by attendance_daily); every foreign key must keep resolving"
    )
    report = quality(warehouse, capsys)
    assert (report["schools"]["status"], report["schools"]["rows_quarantined"]) == ("rejected", 2)
    assert report["schools"]["reasons"] == {"unknown_code:school_level": 1, "file_rejected": 1}
    # students needs schools, rejected: not run tonight; its last good rows (S2's 3 students) stay
    assert (report["students"]["status"], report["students"]["upstream_file"]) == ("not_run", "schools")
    assert query(warehouse, "SELECT count(*) FROM raw.students WHERE school_id = 'S2'") == [(3,)]
    assert_reconciled(report)
    assert foreign_key_violations(warehouse) == {}
    assert query(warehouse, "SELECT count(*) FROM staging.schools") == [(2,)]

    # night 2: correct files again: everything loads, exactly as a clean load
    write_landing(landing, CLEAN)
    assert load(landing, warehouse, capsys) == (0, "")
    assert snapshot(warehouse) == clean_snapshot


def test_kept_students_pointing_at_a_dropped_school_stop_the_publish(after_clean_night, capsys):
    """The issue's night: schools loses a school, students.csv is rejected, so the kept students
    point at a school the new schools file no longer has: that night is not published."""
    landing, warehouse = after_clean_night
    before = snapshot(warehouse)

    write_csv(landing / "schools.csv", CLEAN["schools.csv"][:2] + [["S2", "South Middle", "D1", "midle"]])
    write_csv(landing / "students.csv", [["student_id", "school", "year"], ["1", "S1", "2026"]])
    code, errors = load(landing, warehouse, capsys)
    assert code == 1
    assert errors == (
        "alignboard load: load not published: 3 kept rows of students point at school_id S2, which the new "
        "schools file dropped; the warehouse stays as it was (fix schools or students and load again)"
    )
    assert snapshot(warehouse) == before
    assert foreign_key_violations(warehouse) == {}

    write_landing(landing, CLEAN)
    assert load(landing, warehouse, capsys) == (0, "")
    assert snapshot(warehouse) == before


def test_shrink_is_rejected_naming_accept_and_accept_applies_once_with_who_and_why(after_clean_night, capsys):
    landing, warehouse = after_clean_night
    write_csv(landing / "attendance_daily.csv", CLEAN["attendance_daily.csv"][:11])  # 10 of 30 rows

    code, errors = load(landing, warehouse, capsys)
    assert code == 1
    assert errors == (
        "alignboard load: attendance_daily.csv: rejected: 10 valid rows for school year 2026 against 30 in "
        "the last accepted load (-67%; allowed 1.5x either way or ±10 rows); if the change is intended, "
        "run `alignboard accept attendance_daily.csv --reason TEXT` and load again"
    )
    capsys.readouterr()
    assert main(["accept", "attendance_daily.csv", "--reason", "one week only", "--warehouse", str(warehouse)]) == 0
    assert load(landing, warehouse, capsys) == (0, "")
    row = quality(warehouse, capsys)["attendance_daily"]
    who = os.environ.get("USER") or getpass.getuser()
    assert (row["status"], row["rows_loaded"], row["accepted_by"], row["accept_reason"]) == (
        "loaded", 10, who, "one week only")
    assert query(warehouse, "SELECT count(*) FROM mart.acceptances WHERE applied_run_id IS NULL") == [(0,)]
    # applied once: the accepted 10 rows are the baseline now, and 30 is 3x of it again
    write_landing(landing, CLEAN)
    assert load(landing, warehouse, capsys)[0] == 1


def test_accept_of_an_unknown_file_is_a_usage_error(tmp_path, capsys):
    assert main(["accept", "nonsense.csv", "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert "nonsense.csv is not a landing file" in capsys.readouterr().err


def test_school_year_rollover_is_not_a_shrink(after_clean_night, capsys):
    landing, warehouse = after_clean_night
    # the new school year: students for 2026 and 2027, attendance exported for 2027 only (one day)
    students = CLEAN["students.csv"] + [[r[0], r[1], "2027"] + r[3:] for r in CLEAN["students.csv"][1:]]
    attendance = [CLEAN["attendance_daily.csv"][0]] + [
        [r[0], r[1], "2026-08-20", "present"] for r in CLEAN["students.csv"][1:]
    ]
    write_csv(landing / "students.csv", students)
    write_csv(landing / "attendance_daily.csv", attendance)
    # 30 rows of 2026 against 6 of 2027: as a whole file this would be rejected (5x, 24 rows)
    assert load(landing, warehouse, capsys) == (0, "")
    report = quality(warehouse, capsys)
    assert (report["attendance_daily"]["rows_loaded"], report["students"]["rows_loaded"]) == (6, 12)
