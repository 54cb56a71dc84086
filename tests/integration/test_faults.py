"""A load killed half way, or read while it runs, never breaks the published warehouse."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from tests.integration.landing_builder import CLEAN, write_csv, write_landing

pytestmark = pytest.mark.integration


def attendance_count(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT count(*) FROM staging.attendance_daily").fetchone()[0]


def write_big_attendance(path: Path, rows: int) -> None:
    """Enough rows that a load takes a few seconds (they are orphans: it does not matter)."""
    with duckdb.connect() as con:
        con.execute(
            f"""COPY (SELECT lpad((i % 5000)::VARCHAR, 5, '0') AS student_id, 'S1' AS school_id,
                       (DATE '2025-09-01' + (i // 5000)::INTEGER)::VARCHAR AS calendar_date,
                       'present' AS status
                FROM range({rows}) AS t(i)) TO '{path}' (HEADER)"""
        )


def test_sigkill_half_way_keeps_previous_load_and_next_load_completes(tmp_path):
    landing = write_landing(tmp_path / "landing")
    warehouse = tmp_path / "warehouse.duckdb"
    assert main(["load", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    assert attendance_count(warehouse) == 30

    write_big_attendance(landing / "attendance_daily.csv", 3_000_000)
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines", "load", "--landing", str(landing), "--warehouse", str(warehouse)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # wait until the load is writing its build file, then kill it without warning
    deadline = time.time() + 120
    while not list(tmp_path.glob("warehouse.duckdb.build-*")) and time.time() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob("warehouse.duckdb.build-*")), "the load never started writing"
    time.sleep(1.0)
    assert process.poll() is None, "the load finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    assert attendance_count(warehouse) == 30  # the previous complete load, readable
    write_csv(landing / "attendance_daily.csv", CLEAN["attendance_daily.csv"])
    assert main(["load", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    assert attendance_count(warehouse) == 30
    assert not list(tmp_path.glob("warehouse.duckdb.build-*"))  # the dead build was cleared


def test_reader_holding_a_connection_during_a_load_is_never_broken(tmp_path):
    landing = write_landing(tmp_path / "landing")
    warehouse = tmp_path / "warehouse.duckdb"
    assert main(["load", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0

    reader = duckdb.connect(str(warehouse), read_only=True)
    try:
        before = reader.execute("SELECT count(*) FROM staging.students").fetchone()[0]
        students = CLEAN["students.csv"] + [["00107", "S1", "2026", "05", "F", "N", "white", "N", "N", "N"]]
        write_csv(landing / "students.csv", students)
        assert main(["load", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
        # the open connection still reads the complete previous load ...
        assert reader.execute("SELECT count(*) FROM staging.students").fetchone()[0] == before == 6
    finally:
        reader.close()
    # ... and a new one sees the new load
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM staging.students").fetchone()[0] == 7


def test_second_concurrent_load_is_refused(tmp_path, capsys):
    from assets import warehouse as wh

    landing = write_landing(tmp_path / "landing")
    path = tmp_path / "warehouse.duckdb"
    wh.begin_build(path, "holder")
    try:
        capsys.readouterr()
        assert main(["load", "--landing", str(landing), "--warehouse", str(path)]) == 1
        assert "another load is writing" in capsys.readouterr().err
    finally:
        wh.finish_build(path, publish=False)
