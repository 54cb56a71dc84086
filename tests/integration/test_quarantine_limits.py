"""Junk in a code column is quarantined with its line in the file, `alignboard quarantine` lists it,
a district's own code list is enforced, and a junk night never spoils the next clean one."""
from __future__ import annotations

import csv
import io
import json

import pytest

from pipelines.cli import main
from tests.integration.landing_builder import CLEAN, write_csv, write_landing
from tests.reliability.harness import load, quality

pytestmark = pytest.mark.integration

PLCS = [["plc_id", "plc_name", "school_id", "focus"],
        ["P1", "Grade 3 PLC", "S1", "grade 3"], ["P2", "Grade 7 PLC", "S2", "grade 7"]]
DIMENSIONS = ["collaborative_teams", "results_orientation", "shared_mission"]
RATINGS = [["plc_id", "school_id", "assessed_date", "dimension", "rating"]] + [
    [plc, school, "2025-10-01", dimension, "2"] for plc, school in (("P1", "S1"), ("P2", "S2")) for dimension in DIMENSIONS
]
LONG = "x" * 100_000
BROKEN = "collaborative\nteams"


@pytest.fixture(scope="module")
def first_night(tmp_path_factory):
    """The clean district with PLCs and their SIG ratings, loaded once."""
    folder = tmp_path_factory.mktemp("plc_night")
    landing = write_landing(folder / "landing", {**CLEAN, "plcs.csv": PLCS, "plc_sig_ratings.csv": RATINGS})
    warehouse = folder / "warehouse.duckdb"
    assert main(["load", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    return landing, warehouse


@pytest.fixture
def after_first_night(first_night, tmp_path):
    import shutil

    landing = write_landing(tmp_path / "landing", {**CLEAN, "plcs.csv": PLCS, "plc_sig_ratings.csv": RATINGS})
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(first_night[1], warehouse)
    return landing, warehouse


def quarantine(warehouse, capsys, *options) -> tuple[int, list[dict], str]:
    capsys.readouterr()
    code = main(["quarantine", "plc_sig_ratings.csv", "--warehouse", str(warehouse), *options])
    out, err = capsys.readouterr()
    return code, list(csv.DictReader(io.StringIO(out))), err


def test_the_first_night_lists_every_district_code_as_seen_for_the_first_time(first_night, capsys):
    row = quality(first_night[1], capsys)["plc_sig_ratings"]
    assert (row["status"], row["rows_loaded"]) == ("loaded", 6)
    assert row["new_codes"] == {"dimension": DIMENSIONS}


def test_a_junk_night_quarantines_the_long_and_the_broken_code_and_the_next_clean_night_loads(
        after_first_night, capsys):
    landing, warehouse = after_first_night
    # line 1 header, lines 2-7 the six clean rows, lines 8-9 the value with a line break (one
    # record over two lines), line 10 the 100,000-character value; both dated after the clean rows
    junk = RATINGS + [["P2", "S2", "2026-03-02", BROKEN, "3"], ["P1", "S1", "2026-03-01", LONG, "3"]]
    write_csv(landing / "plc_sig_ratings.csv", junk)
    assert load(landing, warehouse, capsys, files=["plc_sig_ratings"]) == (0, "")
    row = quality(warehouse, capsys)["plc_sig_ratings"]
    # 2 of 8 rows quarantined = 25%, above the 1% default: loaded, with warnings
    assert (row["status"], row["rows_read"], row["rows_loaded"], row["rows_quarantined"]) == (
        "loaded_with_warnings", 8, 6, 2)
    assert row["reasons"] == {"control_character:dimension": 1, "too_long:dimension": 1}
    assert row["message"] == (
        "plc_sig_ratings.csv: loaded with warnings: 2 of 8 rows quarantined (25.0%, above 1.0%); "
        "see them with `alignboard quarantine plc_sig_ratings.csv`")
    assert row["new_codes"] == {}  # the junk was quarantined, so no code is new

    code, rows, err = quarantine(warehouse, capsys)
    assert code == 0 and err == "plc_sig_ratings: 2 quarantined rows\n"
    assert [(r["line"], r["reasons"], r["plc_id"], r["dimension"]) for r in rows] == [
        ("8", "control_character:dimension", "P2", BROKEN),
        ("10", "too_long:dimension", "P1", LONG),
    ]
    physical = (landing / "plc_sig_ratings.csv").read_text().split("\n")
    assert physical[8 - 1].startswith("P2,S2,2026-03-02,") and physical[10 - 1].startswith("P1,S1,2026-03-01,")

    code, rows, _ = quarantine(warehouse, capsys, "--reason", "too_long")
    assert code == 0 and [r["line"] for r in rows] == ["10"]

    # the next night is clean again: its newest date (2025-10-01) is older than the junk rows',
    # which never entered the freshness baseline, so it loads without an acceptance
    write_csv(landing / "plc_sig_ratings.csv", RATINGS)
    assert load(landing, warehouse, capsys, files=["plc_sig_ratings"]) == (0, "")
    row = quality(warehouse, capsys)["plc_sig_ratings"]
    assert (row["status"], row["rows_loaded"], row["rows_quarantined"], row["accepted_by"]) == ("loaded", 6, 0, None)


def test_with_a_district_list_a_code_outside_it_is_quarantined_and_a_new_code_is_reported_without_one(
        after_first_night, tmp_path, capsys, monkeypatch):
    landing, warehouse = after_first_night
    night = RATINGS + [["P1", "S1", "2025-10-01", "student_voice", "4"]]
    write_csv(landing / "plc_sig_ratings.csv", night)
    config = tmp_path / "district.yaml"
    config.write_text("ingest:\n  codes:\n    plc_sig_ratings: {dimension: [" + ", ".join(DIMENSIONS) + "]}\n")
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(config))
    assert load(landing, warehouse, capsys, files=["plc_sig_ratings"]) == (0, "")
    row = quality(warehouse, capsys)["plc_sig_ratings"]
    assert (row["rows_loaded"], row["reasons"]) == (6, {"unknown_code:dimension": 1})
    code, rows, _ = quarantine(warehouse, capsys, "--reason", "unknown_code:dimension")
    assert [(r["line"], r["dimension"]) for r in rows] == [("8", "student_voice")]

    monkeypatch.delenv("ALIGNBOARD_CONFIG")  # no list: the new code loads and is reported
    assert load(landing, warehouse, capsys, files=["plc_sig_ratings"]) == (0, "")
    row = quality(warehouse, capsys)["plc_sig_ratings"]
    assert (row["rows_loaded"], row["rows_quarantined"], row["new_codes"]) == (7, 0, {"dimension": ["student_voice"]})


def test_a_district_config_naming_a_column_that_is_not_a_district_code_stops_the_load_in_one_line(
        after_first_night, tmp_path, capsys, monkeypatch):
    landing, warehouse = after_first_night
    config = tmp_path / "district.yaml"
    config.write_text("ingest:\n  codes:\n    plc_sig_ratings: {rating: [1, 2]}\n")
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(config))
    capsys.readouterr()
    assert main(["load", "--landing", str(landing), "--warehouse", str(warehouse)]) == 2
    assert capsys.readouterr().err == (
        f"alignboard load: {config}: ingest.codes.plc_sig_ratings.rating: not a district-code column "
        "(those of plc_sig_ratings: dimension)\n")


def test_quarantine_of_an_unknown_file_is_a_usage_error_and_without_a_warehouse_a_data_error(tmp_path, capsys):
    assert main(["quarantine", "nonsense.csv", "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert capsys.readouterr().err == "alignboard quarantine: nonsense.csv is not a landing file (see data_contracts/)\n"
    assert main(["quarantine", "students.csv", "--warehouse", str(tmp_path / "w.duckdb")]) == 1
    assert capsys.readouterr().err == (
        f"alignboard quarantine: no warehouse at {tmp_path / 'w.duckdb'}; run `alignboard load` first\n")


def test_quarantine_writes_the_csv_to_out(after_first_night, tmp_path, capsys):
    _, warehouse = after_first_night
    out = tmp_path / "students_quarantine.csv"
    capsys.readouterr()
    assert main(["quarantine", "students.csv", "--warehouse", str(warehouse), "--out", str(out)]) == 0
    assert capsys.readouterr().err == f"students: 0 quarantined rows written to {out}\n"
    assert out.read_text().splitlines()[0] == (
        "line,reasons,student_id,school_id,school_year,grade_level,sex,hispanic_latino,races,english_learner,"
        "idea_disability,economically_disadvantaged,raw_line")


def test_quarantine_into_a_folder_that_does_not_exist_says_so_in_one_line_and_writes_nothing(
        after_first_night, tmp_path, capsys):
    _, warehouse = after_first_night
    out = tmp_path / "no_such_folder" / "rows.csv"
    capsys.readouterr()
    assert main(["quarantine", "students.csv", "--warehouse", str(warehouse), "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"alignboard quarantine: cannot write {out}: folder {out.parent} does not exist\n")
    assert not out.parent.exists()
