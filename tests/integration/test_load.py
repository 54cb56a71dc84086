"""The nightly load end to end on hand-built landing folders: counts, reconciliation, quarantine
reasons, rejected and missing files, idempotence and the quality report."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from tests.integration.landing_builder import CLEAN, write_csv, write_landing

pytestmark = pytest.mark.integration


def load(landing: Path, warehouse: Path) -> int:
    return main(["load", "--landing", str(landing), "--warehouse", str(warehouse)])


def quality(warehouse: Path, capsys) -> dict[str, dict]:
    capsys.readouterr()
    assert main(["quality", "--warehouse", str(warehouse), "--format", "json"]) == 0
    return {row["file"]: row for row in json.loads(capsys.readouterr().out)}


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_clean_folder_loads_every_row(clean_load, capsys):
    warehouse = clean_load  # one `alignboard load` of the clean folder (tests/conftest.py)

    report = quality(warehouse, capsys)
    assert report["students.csv"]["status"] == "loaded"
    assert report["students.csv"]["rows_read"] == 6
    assert report["students.csv"]["rows_loaded"] == 6
    assert report["attendance_daily.csv"]["rows_loaded"] == 30  # 6 students x 5 days
    assert report["special_education.csv"]["status"] == "missing"  # optional file, not an error
    assert query(warehouse, "SELECT count(*) FROM staging.students") == [(6,)]
    # attendance_rate counts present days as attended; here 1 day in 5 is an excused absence
    absences = sum(1 for row in CLEAN["attendance_daily.csv"][1:] if row[3] == "excused_absence")
    assert query(warehouse, "SELECT numerator, denominator FROM mart.metric_values WHERE metric_id = "
                            "'attendance_rate' AND level = 'district' AND student_group = 'all'") == [(30 - absences, 30)]
    # no build files, work tables or candidates are left behind
    assert [p.name for p in warehouse.parent.iterdir() if ".build-" in p.name] == []
    assert query(warehouse, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '%__candidate'") == [(0,)]


def test_messy_folder_quarantines_each_bad_row_with_its_reasons(tmp_path, capsys):
    files = {name: [list(r) for r in rows] for name, rows in CLEAN.items()}
    students = files["students.csv"]
    students.append(["00107", "S1", "2026", "13", "F", "N", "white", "N", "N", "N"])  # grade 13
    students.append(["00108", "S9", "2026", "03", "F", "N", "white", "N", "N", "N"])  # school S9 unknown
    students.append(["00109", "S1", "2026", "03", "F", "N", "martian", "N", "N", "N"])  # unknown race
    students.append(["", "S1", "2026", "03", "F", "maybe", "white", "N", "N", "N"])  # 2 reasons
    students.append([" 00110 ", " S2 ", "2026", "07", "M", "yes", "asian", "no", "0", "1"])  # whitespace: fine
    attendance = files["attendance_daily.csv"]
    attendance.append(["101", "S1", "2025-09-09", "present"])  # 00101 without its zeros: orphan
    attendance.append(["00101", "S1", "2026-02-30", "present"])  # impossible date
    attendance.append(["00101", "S1", "2025-09-10", "absnt"])  # unknown code
    attendance.append(["00102", "S1", "2025-09-02", "tardy"])  # same key, other content: both out
    attendance.append(list(attendance[2]))  # exact copy of line 3: the copy is quarantined
    landing = write_landing(tmp_path / "landing", files)
    with (landing / "attendance_daily.csv").open("a") as handle:
        handle.write("00103,S1,2025-09-11\n")  # a line with a missing field
    write_csv(landing / "districts.csv", CLEAN["districts.csv"], bom=True)  # a BOM is tolerated
    warehouse = tmp_path / "warehouse.duckdb"

    assert load(landing, warehouse) == 0
    report = quality(warehouse, capsys)

    s = report["students.csv"]
    assert (s["rows_read"], s["rows_loaded"], s["rows_quarantined"]) == (11, 7, 4)
    assert s["reasons"] == {
        "unknown_code:grade_level": 1,
        "orphan:schools": 1,
        "rule:unknown_race": 1,
        "missing:student_id": 1,
        "invalid_boolean:hispanic_latino": 1,
    }
    a = report["attendance_daily.csv"]
    # 30 clean + 6 appended lines; line 5 of the clean file (00102, 2025-09-02) gets a conflicting twin
    assert (a["rows_read"], a["rows_loaded"], a["rows_quarantined"]) == (36, 29, 7)
    assert a["reasons"] == {
        "orphan:students": 1,
        "invalid_date:calendar_date": 1,
        "unknown_code:status": 1,
        "duplicate_key": 2,
        "duplicate_row": 1,
        "malformed_row:missing_columns": 1,
    }
    assert report["districts.csv"]["rows_loaded"] == 1
    for row in report.values():
        assert row["rows_read"] == row["rows_loaded"] + row["rows_quarantined"], row["file"]

    # quarantine keeps the original text, the line number and every reason
    rows = query(
        warehouse,
        "SELECT line_number, reasons, student_id, hispanic_latino FROM quarantine.students ORDER BY line_number",
    )
    assert rows[-1] == (11, ["missing:student_id", "invalid_boolean:hispanic_latino"], None, "maybe")
    assert query(warehouse, "SELECT line_number, raw_line FROM quarantine.attendance_daily WHERE raw_line IS NOT NULL") == [
        (37, "00103,S1,2025-09-11")
    ]
    assert query(warehouse, "SELECT school_id, hispanic_latino FROM staging.students WHERE student_id = '00110'") == [
        ("S2", True)
    ]


def test_reload_is_idempotent_and_a_messy_night_leaves_no_trace(after_clean_night):
    from tests.reliability.harness import snapshot

    landing, warehouse = after_clean_night
    clean = snapshot(warehouse)  # every raw, quarantine, staging and mart table
    assert {"mart.metric_values", "staging.student_groups", "quarantine.students"} <= set(clean)
    # a night with a bad student (grade 13: quarantined) and one attendance day fewer
    write_csv(landing / "students.csv", CLEAN["students.csv"] + [["00107", "S1", "2026", "13", "F", "N", "white",
                                                                "N", "N", "N"]])
    write_csv(landing / "attendance_daily.csv", CLEAN["attendance_daily.csv"][:-1])
    assert load(landing, warehouse) == 0
    messy = snapshot(warehouse)
    assert len(messy["quarantine.students"]) == 1 and len(messy["raw.attendance_daily"]) == 29
    # the clean files again: exactly the clean warehouse, marts included
    write_landing(landing)
    assert load(landing, warehouse) == 0
    assert snapshot(warehouse) == clean
    assert query(warehouse, "SELECT count(DISTINCT run_id) FROM mart.data_quality") == [(3,)]


def test_unreadable_file_is_rejected_and_last_good_data_kept(after_clean_night, capsys):
    landing, warehouse = after_clean_night

    write_csv(landing / "students.csv", [["student_id", "school", "year"], ["1", "S1", "2026"]])
    capsys.readouterr()
    assert load(landing, warehouse) == 1
    err = capsys.readouterr().err
    assert "students.csv: line 1: missing required columns school_id, school_year" in err
    report = quality(warehouse, capsys)
    assert report["students.csv"]["status"] == "rejected"
    assert query(warehouse, "SELECT count(*) FROM staging.students") == [(6,)]  # last good load kept


def test_shrunken_file_is_rejected_with_all_rows_quarantined(after_clean_night, capsys):
    landing, warehouse = after_clean_night
    write_csv(landing / "attendance_daily.csv", CLEAN["attendance_daily.csv"][:11])  # 10 of 30 rows

    capsys.readouterr()
    assert load(landing, warehouse) == 1
    assert "10 valid rows for school year 2026 against 30 in the last accepted load (-67%" in capsys.readouterr().err
    a = quality(warehouse, capsys)["attendance_daily.csv"]
    assert (a["status"], a["rows_read"], a["rows_loaded"], a["rows_quarantined"]) == ("rejected", 10, 0, 10)
    assert a["reasons"] == {"file_rejected": 10}
    assert query(warehouse, "SELECT count(*) FROM staging.attendance_daily") == [(30,)]


def test_last_years_file_is_rejected(after_clean_night, capsys):
    landing, warehouse = after_clean_night
    # an older export: same students and school year, but its newest day is a month earlier
    old = [CLEAN["attendance_daily.csv"][0]] + [
        [r[0], r[1], r[2].replace("2025-09-", "2025-08-"), r[3]] for r in CLEAN["attendance_daily.csv"][1:]
    ]
    write_csv(landing / "attendance_daily.csv", old)

    capsys.readouterr()
    assert load(landing, warehouse) == 1
    assert "its newest calendar_date is older than the data already loaded" in capsys.readouterr().err
    assert query(warehouse, "SELECT min(calendar_date)::VARCHAR FROM staging.attendance_daily") == [("2025-09-02",)]


def test_missing_file_keeps_previous_data(after_clean_night, capsys):
    landing, warehouse = after_clean_night
    (landing / "attendance_daily.csv").unlink()
    assert load(landing, warehouse) == 0
    report = quality(warehouse, capsys)
    assert report["attendance_daily.csv"]["status"] == "missing"
    assert query(warehouse, "SELECT count(*) FROM staging.attendance_daily") == [(30,)]


def test_missing_required_file_fails_the_load(tmp_path, capsys):
    landing = write_landing(tmp_path / "landing")
    (landing / "schools.csv").unlink()
    capsys.readouterr()
    assert load(landing, tmp_path / "warehouse.duckdb") == 1
    assert "schools.csv: required file is missing from the landing folder" in capsys.readouterr().err


def test_parquet_landing_file_is_accepted(tmp_path, capsys):
    landing = write_landing(tmp_path / "landing")
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * FROM read_csv('{landing / 'schools.csv'}', all_varchar = true)) "
            f"TO '{landing / 'schools.parquet'}' (FORMAT parquet)"
        )
    (landing / "schools.csv").unlink()
    assert load(landing, tmp_path / "warehouse.duckdb") == 0
    assert quality(tmp_path / "warehouse.duckdb", capsys)["schools.parquet"]["rows_loaded"] == 2


def test_load_usage_errors_exit_2(tmp_path, capsys):
    assert load(tmp_path / "nowhere", tmp_path / "warehouse.duckdb") == 2
    assert "landing folder" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["load"])
    assert exit_info.value.code == 2


def test_quality_without_warehouse_says_so(tmp_path, capsys):
    assert main(["quality", "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    assert "run `alignboard load` first" in capsys.readouterr().err


def this_run(warehouse: Path) -> dict[str, tuple]:
    """The last run's (status, rows_loaded, upstream_file) of every file."""
    rows = query(
        warehouse,
        """SELECT file, status, rows_loaded, upstream_file FROM mart.data_quality
           WHERE run_id = (SELECT run_id FROM mart.data_quality ORDER BY loaded_at DESC LIMIT 1)""",
    )
    return {file: tuple(rest) for file, *rest in rows}


def test_reload_of_the_same_files_reads_nothing_again(after_clean_night, capsys):
    from assets.warehouse import data_version, open_read_only
    from data_contracts.contract import load_contracts

    landing, warehouse = after_clean_night
    with open_read_only(warehouse) as con:
        first = {t: data_version(con, t) for t in ("raw.students", "quarantine.students", "staging.students")}
    assert all(first.values())
    assert load(landing, warehouse) == 0

    run = this_run(warehouse)
    assert set(run) == set(load_contracts())  # every contract file has a row for the run
    present = {"districts", "schools", "students", "attendance_daily"}
    assert {f: s for f, (s, _, _) in run.items() if f in present} == dict.fromkeys(present, "unchanged")
    assert {s for f, (s, _, _) in run.items() if f not in present} == {"missing"}
    assert run["attendance_daily"][1] == 30  # what the kept table holds
    with open_read_only(warehouse) as con:
        assert {t: data_version(con, t) for t in first} == first
    report = quality(warehouse, capsys)
    assert report["students.csv"]["status"] == "unchanged"
    assert (report["students.csv"]["rows_read"], report["students.csv"]["rows_loaded"]) == (6, 6)


def test_a_changed_file_re_judges_the_files_whose_orphan_checks_read_it(tmp_path):
    files = {name: [list(r) for r in rows] for name, rows in CLEAN.items()}
    files["students.csv"].append(["00107", "S3", "2026", "05", "F", "N", "white", "N", "N", "N"])
    landing = write_landing(tmp_path / "landing", files)
    warehouse = tmp_path / "warehouse.duckdb"
    assert load(landing, warehouse) == 0
    # 00107's school S3 is unknown: an orphan, 1 of 7 rows (14%, above the 1% warning share)
    assert this_run(warehouse)["students"][:2] == ("loaded_with_warnings", 6)

    # the next night only schools.csv changes: it gains S3, so students.csv (unchanged) is judged again
    write_csv(landing / "schools.csv", CLEAN["schools.csv"] + [["S3", "East High", "D1", "high"]])
    assert load(landing, warehouse) == 0
    run = this_run(warehouse)
    assert run["districts"][0] == "unchanged"
    assert run["schools"][:2] == ("loaded", 3)
    assert run["students"][:2] == ("loaded", 7)
    assert run["attendance_daily"][:2] == ("loaded", 30)  # it reads staging.students, which changed
    assert query(warehouse, "SELECT count(*) FROM quarantine.students") == [(0,)]


def test_files_below_a_rejected_file_are_reported_not_run(after_clean_night, capsys):
    landing, warehouse = after_clean_night
    write_csv(landing / "schools.csv", [["school_id", "school_name"], ["S1", "North Elementary"]])
    write_csv(landing / "students.csv", CLEAN["students.csv"][:-1])  # changed too, but cannot be judged

    capsys.readouterr()
    assert load(landing, warehouse) == 1
    run = this_run(warehouse)
    assert run["districts"] == ("unchanged", 1, None)
    assert run["schools"] == ("rejected", 0, None)
    assert run["students"] == ("not_run", 0, "schools")
    assert run["attendance_daily"] == ("not_run", 0, "schools")
    report = quality(warehouse, capsys)
    assert report["students.csv"]["status"] == "not_run"
    assert report["students.csv"]["message"].startswith("students.csv: not run: it needs schools, which was rejected")
    assert query(warehouse, "SELECT count(*) FROM staging.students") == [(6,)]  # last good load kept
