"""The plan files through the ingest functions: a broken file quarantines its bad rows with
reasons like every other file, and plans.xlsx (a sheet per file) loads exactly like the CSV
files, line numbers and reasons included. The rows are written here by hand."""
import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from assets.ingest.load_file import load_file
from assets.ingest.quality_report import record_run
from assets.staging.build import build, staging_sql
from assets.warehouse import SETUP_SQL
from data_contracts.contract import load_contracts
from data_contracts.vocabulary import PLAN_FILES

FILES = PLAN_FILES
ROWS = {
    "plans": [
        ["P1", "district", "D1", "Strategic plan", "2026", "2028"],
        ["P2", "school", "S1", "SIP", "2027", "2026"],                        # 3: end before start
        ["P3", "county", "C1", "County plan", "2026", "2026"],                # 4: unknown level
    ],
    "plan_goals": [
        ["G1", "P1", "", "goal", "Attendance", "attendance_rate", "all", "0.9", "2025-06-30", "0.95", "2028-06-30"],
        ["G2", "P9", "G1", "smart_goal", "x", "attendance_rate", "all", "0.9", "2025-06-30", "0.95", "2028-06-30"],
        ["G3", "P1", "G1", "objective", "y", "", "", "high", "2025-02-30", "", ""],   # 4: number, date
    ],
    "plan_strategies": [["S1", "G1", "If we", "Then", "And", "attendance_rate"]],
    "action_steps": [
        ["A1", "G1", "S1", "1", "Call families", "DLT", "2025-08-01", "2025-10-01", "2025-09-30", "complete"],
        ["A2", "G1", "", "2.5", "Review", "DLT", "2025-08-01", "2025-07-01", "", "done"],  # 3: step, dates, status
    ],
    "plan_schedule": [["P1", "stage_1", "Collect data", "DLT", "2025-09-01", "2025-09-11"],
                      ["P1", "stage_9", "Celebrate", "DLT", "2025-09-01", ""]],  # 3: unknown stage
    "roadmap_reviews": [["P1", "set_vision", "2025-09-15", "Y", "Survey", "Share", "2026-01-28", "Superintendent"]],
}
REASONS = {  # file -> {line: reasons}, by hand from the contracts
    "plans": {3: ["rule:end_before_start"], 4: ["unknown_code:level"]},
    "plan_goals": {3: ["orphan:plans"], 4: ["invalid_number:baseline_value", "invalid_date:baseline_date"]},
    "plan_strategies": {},
    "action_steps": {3: ["invalid_integer:step_number", "unknown_code:status", "rule:due_before_start"]},
    "plan_schedule": {3: ["unknown_code:stage"]},
    "roadmap_reviews": {},
}


def write_csvs(folder: Path) -> None:
    for name in FILES:
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows([load_contracts()[name].column_names, *ROWS[name]])


def _cell(text: str):
    """What a person types into a spreadsheet: dates and numbers become typed cells."""
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        pass
    try:
        return float(text) if "." in text else int(text) if text.isdigit() and not text.startswith("0") else text
    except ValueError:
        return text


def write_workbook(folder: Path) -> None:
    book = Workbook()
    book.remove(book.active)
    for name in FILES:
        sheet = book.create_sheet(name)
        sheet.append(load_contracts()[name].column_names)
        for row in ROWS[name]:
            sheet.append([_cell(v) if v else None for v in row])
    book.save(folder / "plans.xlsx")


def load(folder: Path, files: tuple[str, ...] = FILES) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for schema in ("raw", "quarantine", "staging", "mart", "ingest_work"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute(SETUP_SQL)
    contracts = load_contracts()
    outcomes = {}
    for name in files:  # in contract order: plans before the files that reference them
        outcomes[name] = load_file(con, contracts[name], folder)
        outcome = outcomes[name]
        # loaded; with warnings when more than 1% (the default share) of its rows are quarantined
        warned = outcome["rows_quarantined"] > 0.01 * outcome["rows_read"]
        assert outcome["status"] == ("loaded_with_warnings" if warned else "loaded"), outcome["message"]
        build(con, f"staging.{name}", staging_sql(contracts[name]))
    record_run(con, "test", {name: contracts[name] for name in files}, outcomes)
    return con


def quarantined(con, name: str) -> dict[int, list[str]]:
    rows = con.execute(f"SELECT line_number, reasons FROM quarantine.{name} ORDER BY line_number").fetchall()
    return {line: reasons for line, reasons in rows}


@pytest.fixture(scope="module")
def from_csv(tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")
    write_csvs(folder)
    return load(folder)


@pytest.fixture(scope="module")
def from_workbook(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xlsx")
    write_workbook(folder)
    return load(folder)


@pytest.mark.parametrize("name", FILES)
def test_bad_plan_rows_are_quarantined_with_their_reasons(from_csv, name):
    assert quarantined(from_csv, name) == REASONS[name]
    read, loaded, held = from_csv.execute(
        "SELECT rows_read, rows_loaded, rows_quarantined FROM mart.data_quality WHERE file = ?", [name]).fetchone()
    assert (read, loaded + held) == (len(ROWS[name]), len(ROWS[name]))
    assert held == len(REASONS[name])


@pytest.mark.parametrize("name", FILES)
def test_the_workbook_loads_exactly_like_the_csv_files(from_csv, from_workbook, name):
    assert quarantined(from_workbook, name) == quarantined(from_csv, name)
    table = f"staging.{name}"
    assert from_workbook.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == \
        from_csv.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
    source = from_workbook.execute("SELECT source_file FROM mart.data_quality WHERE file = ?", [name]).fetchone()[0]
    assert source == f"plans.xlsx[{name}]"


def test_a_csv_file_wins_over_its_sheet(tmp_path):
    write_workbook(tmp_path)
    with (tmp_path / "plans.csv").open("w", encoding="utf-8") as handle:
        handle.write("plan_id,level,owner_id,title,start_year,end_year\nPX,district,D1,Only the CSV,2026,2028\n")
    con = load(tmp_path, files=("plans",))
    assert con.execute("SELECT plan_id FROM staging.plans").fetchall() == [("PX",)]


def test_a_workbook_that_is_not_one_rejects_the_plan_files_with_one_line(tmp_path):
    (tmp_path / "plans.xlsx").write_text("not a workbook")
    con = duckdb.connect()
    for schema in ("raw", "quarantine", "staging", "mart", "ingest_work"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute(SETUP_SQL)
    outcome = load_file(con, load_contracts()["plans"], tmp_path)
    assert outcome["status"] == "rejected"
    assert outcome["message"].startswith("plans.xlsx: not a readable Excel workbook")
    # only the plan files are read from the workbook: another missing file stays missing
    assert load_file(con, load_contracts()["state_counts"], tmp_path)["status"] == "missing"
