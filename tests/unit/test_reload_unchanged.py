"""A reload of an unchanged file: what makes it skip, hash or read the file again.

Nights of one file (districts: no upstream file) through load_file and the quality report, as
the load and quality_report assets run them, on one warehouse connection.
"""
import os

import duckdb
import pytest

from assets.ingest import load_file as load_file_module
from assets.ingest.baseline import record_acceptance
from assets.ingest.load_file import load_file
from assets.ingest.quality_report import record_run
from assets.warehouse import SCHEMAS, SETUP_SQL
from data_contracts.contract import load_contracts

DISTRICTS = load_contracts()["districts"]


@pytest.fixture
def con():
    con = duckdb.connect()
    for schema in SCHEMAS:
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute(SETUP_SQL)
    return con


def write_districts(folder, rows: int) -> None:
    lines = ["district_id,district_name"] + [f"D{n},District {n}" for n in range(1, rows + 1)]
    (folder / "districts.csv").write_text("\n".join(lines) + "\n")


def night(con, folder, run_id: str) -> dict:
    """One load of the file and its quality report; this run's mart.data_quality row."""
    outcome = load_file(con, DISTRICTS, folder)
    record_run(con, run_id, {"districts": DISTRICTS}, {"districts": outcome})
    cursor = con.execute("SELECT * FROM mart.data_quality WHERE run_id = ?", [run_id])
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone()))


def test_a_pending_acceptance_makes_an_unchanged_file_judged_again_and_is_applied_there(con, tmp_path):
    write_districts(tmp_path, 2)
    assert night(con, tmp_path, "run1")["status"] == "loaded"
    record_acceptance(con, "districts", "new SIS", "ana")

    row = night(con, tmp_path, "run2")  # the same file: judged again, because of the acceptance
    assert (row["status"], row["rows_loaded"], row["accepted_by"], row["accept_reason"]) == (
        "loaded", 2, "ana", "new SIS")
    assert con.execute("SELECT applied_run_id FROM mart.acceptances").fetchall() == [("run2",)]
    assert night(con, tmp_path, "run3")["status"] == "unchanged"  # applied once: skipped again

    # the acceptance is spent: a later file 20x the size (38 rows over the floor of 10) is rejected
    write_districts(tmp_path, 40)
    row = night(con, tmp_path, "run4")
    assert (row["status"], row["accepted_by"]) == ("rejected", None)
    assert "40 valid rows against 2 in the last accepted load" in row["message"]


def test_an_untouched_file_is_skipped_without_hashing_it_again(con, tmp_path, monkeypatch):
    write_districts(tmp_path, 2)
    first = night(con, tmp_path, "run1")
    assert first["source_size"] == len("district_id,district_name\nD1,District 1\nD2,District 2\n")

    def no_hashing(path):
        raise AssertionError(f"{path.name} was hashed again")

    monkeypatch.setattr(load_file_module, "file_sha256", no_hashing)
    row = night(con, tmp_path, "run2")
    assert (row["status"], row["rows_loaded"], row["source_sha256"]) == ("unchanged", 2, first["source_sha256"])
    assert row["message"] == ("districts.csv: unchanged since its last load, not read again (same size and "
                              "modification time: its recorded sha256 reused)")
    row = night(con, tmp_path, "run3")  # and so on, from the row the skip recorded
    assert (row["status"], row["source_sha256"]) == ("unchanged", first["source_sha256"])


def test_a_touched_file_is_hashed_and_a_changed_one_read(con, tmp_path):
    write_districts(tmp_path, 2)
    first = night(con, tmp_path, "run1")
    path = tmp_path / "districts.csv"
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 60))  # same bytes, a later time

    row = night(con, tmp_path, "run2")
    assert (row["status"], row["source_sha256"]) == ("unchanged", first["source_sha256"])
    assert row["message"] == "districts.csv: unchanged since its last load, not read again (same sha256)"

    write_districts(tmp_path, 3)  # one more row: another size, read again
    row = night(con, tmp_path, "run3")
    assert (row["status"], row["rows_loaded"]) == ("loaded", 3)
    assert row["source_sha256"] != first["source_sha256"]


def test_an_optional_file_missing_again_is_reported_without_running_its_suite(con, tmp_path):
    state_counts = load_contracts()["state_counts"]
    assert not state_counts.required_file

    def night_without(run_id: str) -> tuple:
        outcome = load_file(con, state_counts, tmp_path)
        record_run(con, run_id, {"state_counts": state_counts}, {"state_counts": outcome})
        results = con.execute("SELECT count(*) FROM mart.gx_results WHERE run_id = ?", [run_id]).fetchone()[0]
        return outcome["status"], outcome["message"], results

    folder = f"not in the landing folder {tmp_path}"
    # the first night judges it: 7 expectations (5 for every file, its key's and its freshness')
    assert night_without("run1") == ("missing", f"state_counts.csv: {folder}", 7)
    assert night_without("run2") == ("missing", f"state_counts.csv: {folder} (as at its last load: not judged again)", 0)
    assert con.execute("SELECT count(*) FROM raw.state_counts").fetchone()[0] == 0
