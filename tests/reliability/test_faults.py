"""Faults during a load: a SIGKILL in each phase, a second process loading at the same time, a
truncated warehouse, a stale lock and leftovers of a dead load, a full disk. After each, the
published warehouse is the last complete load (every foreign key resolving) and the next good
night builds exactly the clean warehouse."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.integration.landing_builder import CLEAN, write_csv, write_landing
from tests.reliability.harness import CORE, foreign_key_violations, load, snapshot

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
NEW_STUDENT = ["00107", "S1", "2026", "05", "F", "N", "white", "N", "N", "N"]


@pytest.fixture
def clean_warehouse(clean_load, clean_snapshot):
    """The clean night's warehouse (tests/conftest.py) and its tables."""
    return clean_load, clean_snapshot


def night(tmp_path: Path, clean_path: Path) -> tuple[Path, Path]:
    """A copy of the clean warehouse and a landing folder with one student more (so a load that
    completed would change the warehouse)."""
    landing = write_landing(tmp_path / "landing", CLEAN)
    write_csv(landing / "students.csv", CLEAN["students.csv"] + [NEW_STUDENT])
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(clean_path, warehouse)
    return landing, warehouse


def misbehaving_load(target: str, call: int, action: str, landing: Path, warehouse: Path, **popen):
    command = [sys.executable, "-m", "tests.reliability.killer", target, str(call), action, "--",
               "load", "--landing", str(landing), "--warehouse", str(warehouse)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **popen)


def good_night_restores_the_clean_warehouse(tmp_path, warehouse, clean, capsys, full: bool = False) -> None:
    """The clean files again (only the core files' assets unless `full`: the marts were not touched)."""
    landing = write_landing(tmp_path / "good_landing", CLEAN)
    assert load(landing, warehouse, capsys, files=None if full else CORE) == (0, "")
    assert snapshot(warehouse) == clean
    assert [p.name for p in warehouse.parent.iterdir() if ".build-" in p.name] == []


@pytest.mark.parametrize(
    "phase, target, call",
    [
        ("ingest", "assets.ingest.load_file:split_rows", 2),  # students read, attendance half way
        ("staging", "assets.staging.assets:build", 3),
        ("marts", "assets.metrics.assets:build_metric_values", 1),
        ("publish", "os:fsync", 1),  # the build is complete and closed, not yet renamed
    ],
)
def test_sigkill_in_each_phase_leaves_the_last_complete_load(phase, target, call, clean_warehouse, tmp_path, capsys):
    clean_path, clean = clean_warehouse
    landing, warehouse = night(tmp_path, clean_path)
    process = misbehaving_load(target, call, "kill", landing, warehouse)
    _, err = process.communicate(timeout=600)
    assert process.returncode == -9, err
    assert f"killer: kill at {target}" in err
    assert snapshot(warehouse) == clean  # the published file is the previous complete load
    assert foreign_key_violations(warehouse) == {}
    assert list(tmp_path.glob("warehouse.duckdb.build-*"))  # what the dead load left behind
    good_night_restores_the_clean_warehouse(tmp_path, warehouse, clean, capsys)


def test_a_second_process_loading_at_the_same_time_is_refused(clean_warehouse, tmp_path, capsys):
    clean_path, clean = clean_warehouse
    landing, warehouse = night(tmp_path, clean_path)
    first = misbehaving_load("assets.staging.assets:build", 1, "sleep", landing, warehouse,
                             env=dict(os.environ, KILLER_SLEEP="10"))
    for line in first.stderr:  # wait until the first load holds the lock and is writing
        if line.startswith("killer: sleep"):
            break
    second = subprocess.run(
        [sys.executable, "-m", "pipelines", "load", "--landing", str(landing), "--warehouse", str(warehouse)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert second.returncode == 1
    assert f"alignboard load: load failed: another load is writing {warehouse} (lock {warehouse}.lock)" in second.stderr
    first.stderr.read()
    assert first.wait(timeout=600) == 0
    assert len(snapshot(warehouse)["raw.students"]) == 7  # the first load's, complete
    assert foreign_key_violations(warehouse) == {}
    good_night_restores_the_clean_warehouse(tmp_path, warehouse, clean, capsys, full=True)


def test_a_reader_holding_a_connection_across_a_publish_keeps_reading_its_load(clean_warehouse, tmp_path, capsys):
    clean_path, clean = clean_warehouse
    landing, warehouse = night(tmp_path, clean_path)  # one student more
    reader = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert load(landing, warehouse, capsys, files=CORE) == (0, "")
        # the open connection still reads the complete previous load ...
        assert reader.execute("SELECT count(*) FROM staging.students").fetchone()[0] == 6
    finally:
        reader.close()
    # ... and a new one sees the new load
    assert len(snapshot(warehouse)["staging.students"]) == 7


def test_a_truncated_warehouse_is_a_clear_error_and_the_documented_recovery_works(clean_warehouse, tmp_path, capsys):
    clean_path, clean = clean_warehouse
    landing, warehouse = night(tmp_path, clean_path)
    with warehouse.open("r+b") as handle:
        handle.truncate(warehouse.stat().st_size // 2)
    code, errors = load(landing, warehouse, capsys)
    assert code == 1
    assert errors.startswith(f"alignboard load: load failed: {warehouse} cannot be opened as a DuckDB warehouse (")
    assert errors.endswith(f"move it aside (`mv {warehouse} {warehouse}.damaged`) or restore a backup, then load again")
    assert len(errors.splitlines()) == 1
    # the recovery the README gives: move it aside and load again, rebuilding from the landing files
    warehouse.rename(f"{warehouse}.damaged")
    good_night_restores_the_clean_warehouse(tmp_path, warehouse, clean, capsys, full=True)


def test_a_stale_lock_and_a_dead_loads_leftovers_do_not_block_the_next_load(clean_warehouse, tmp_path, capsys):
    clean_path, clean = clean_warehouse
    _, warehouse = night(tmp_path, clean_path)
    Path(f"{warehouse}.lock").write_text("12345\n")  # left by a load whose process is gone
    Path(f"{warehouse}.build-dead").write_bytes(b"half a warehouse")
    Path(f"{warehouse}.build-dead.tmp").mkdir()
    good_night_restores_the_clean_warehouse(tmp_path, warehouse, clean, capsys)
    assert not Path(f"{warehouse}.build-dead.tmp").exists()


def test_a_full_disk_keeps_the_published_warehouse(clean_warehouse, tmp_path, capsys):
    clean_path, clean = clean_warehouse
    disk = tmp_path / "disk"
    disk.mkdir()
    # room for the published file and a third of its build copy
    size = clean_path.stat().st_size * 4 // 3
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        landing, _ = night(tmp_path, clean_path)
        warehouse = disk / "warehouse.duckdb"
        shutil.copyfile(clean_path, warehouse)
        code, errors = load(landing, warehouse, capsys)
        assert code == 1
        assert len(errors.splitlines()) == 1 and "No space left on device" in errors, errors
        assert snapshot(warehouse) == clean
        # the recovery: give the warehouse room (here: move it to a bigger disk) and load again
        roomy = tmp_path / "warehouse.duckdb"
        shutil.copyfile(warehouse, roomy)
    finally:
        subprocess.run(["umount", str(disk)], check=True)
    good_night_restores_the_clean_warehouse(tmp_path, roomy, clean, capsys)


def test_no_room_to_spill_is_one_line_and_the_warehouse_stays_consistent(clean_warehouse, tmp_path, capsys):
    """The full-disk fault without a mount: DuckDB's own spill limit (ALIGNBOARD_TEMP_LIMIT) at zero
    and a memory limit that makes the load spill. The steps that could not run keep their last
    good tables; the message names the two limits."""
    clean_path, clean = clean_warehouse
    landing, warehouse = night(tmp_path, clean_path)
    starved = subprocess.run(
        [sys.executable, "-m", "pipelines", "load", "--landing", str(landing), "--warehouse", str(warehouse)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env=dict(os.environ, ALIGNBOARD_MEMORY_LIMIT="8MB", ALIGNBOARD_TEMP_LIMIT="0KB"),
    )
    assert starved.returncode == 1
    errors = [line for line in starved.stderr.splitlines() if line.startswith("alignboard")]
    assert len(errors) == 1, errors
    assert errors[0].startswith("alignboard load: step")
    assert errors[0].endswith(
        "failed: DuckDB ran out of memory (8MB) and of disk to spill to (0KB); free disk space beside the "
        "warehouse or raise ALIGNBOARD_MEMORY_LIMIT or ALIGNBOARD_TEMP_LIMIT, then load again")
    assert foreign_key_violations(warehouse) == {}
    good_night_restores_the_clean_warehouse(tmp_path, warehouse, clean, capsys, full=True)
