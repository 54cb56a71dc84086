"""The Dagster code location loads, with its schedule, sensors and single-writer executor."""
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelines.run_failures import recent_failures, record_failure

pytestmark = pytest.mark.integration
ROOT = Path(__file__).parents[2]


def test_dg_check_defs_passes():
    dg_cli = Path(sys.executable).parent / "dg"
    result = subprocess.run([str(dg_cli), "check", "defs"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All definitions loaded successfully" in result.stdout + result.stderr


def test_schedule_time_and_timezone_come_from_the_environment():
    from pipelines.schedules import nightly_schedule_from

    schedule = nightly_schedule_from({"ALIGNBOARD_LOAD_CRON": "30 3 * * 1-5", "ALIGNBOARD_TIMEZONE": "America/Denver"})
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 3 * * 1-5", "America/Denver")
    default = nightly_schedule_from({})
    assert (default.cron_schedule, default.execution_timezone) == ("0 2 * * *", "America/Chicago")


def test_every_landing_file_has_a_blocking_check_and_the_executor_is_in_process():
    from pipelines.definitions import defs

    job = defs.resolve_job_def("nightly_load")
    assert job.executor_def is dg.in_process_executor
    checks = {key for key in defs.resolve_asset_graph().asset_check_keys}
    assert dg.AssetCheckKey(dg.AssetKey(["raw", "students"]), "file_checks") in checks
    # the checks only read this run's load results: they cannot even reach the warehouse
    from assets.ingest.assets import ingest_checks

    assert {key for c in ingest_checks for key in c.required_resource_keys} & {"warehouse", "landing"} == set()
    sensors = {s.name for s in defs.sensors}
    assert {"landing_folder_sensor", "record_run_failure"} <= sensors


def test_failures_are_recorded_beside_the_warehouse(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    record_failure(warehouse, "run-1", "nightly_load", "disk full\nmore detail")
    with open(f"{warehouse}.failures.jsonl", "a") as handle:
        handle.write('{"torn')  # a writer killed mid-line must not break the reader
    [failure] = recent_failures(warehouse)
    assert (failure["run_id"], failure["message"]) == ("run-1", "disk full")
