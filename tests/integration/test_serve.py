"""The production recipe runs the night by itself: `alignboard serve` (the pipeline unit of
deploy/systemd, with its environment file) starts the Dagster daemon and web UI on a persistent
home; a district dropped into the landing folder is loaded by the sensor's run, which publishes
the warehouse; and a load from the command line shows in the same run history."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.integration.alert_receivers import free_port
from tests.integration.deploy_recipe import (ROOT, recipe_environment, unit_command, unit_working_directory,
                                             with_option)

pytestmark = pytest.mark.integration

STUDENTS = 300


def wait_until(what: str, condition, seconds: float, process: subprocess.Popen, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"alignboard serve exited ({process.returncode}) before {what}:\n{log.read_text()[-3000:]}")
        value = condition()
        if value:
            return value
        time.sleep(1)
    pytest.fail(f"no {what} within {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def web_ui_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def runs(home: Path) -> list[dg.DagsterRun]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return list(instance.get_runs())


def sensor_run_done(home: Path):
    done = [r for r in runs(home) if r.tags.get("dagster/sensor_name") == "landing_folder_sensor" and r.is_finished]
    return done[0] if done else None


def test_the_daemon_loads_a_district_dropped_into_the_landing_folder_and_records_cli_loads_too(tmp_path):
    srv = tmp_path / "srv" / "alignboard"
    env = recipe_environment(srv)
    landing, warehouse, home = Path(env["ALIGNBOARD_LANDING"]), Path(env["ALIGNBOARD_WAREHOUSE"]), Path(env["DAGSTER_HOME"])
    landing.mkdir(parents=True)
    env = dict(os.environ, **env, PYTHONPATH=str(ROOT),
               # the test's short intervals: look at the folder every second, files settle in 2 s
               ALIGNBOARD_SENSOR_SECONDS="1", ALIGNBOARD_SETTLE_SECONDS="2")
    Path(env["ALIGNBOARD_CONFIG"]).write_text("# the district's settings: none, so no alerts here\n")
    port = free_port()
    command = with_option(unit_command("alignboard-pipeline.service"), "--port", str(port))
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        serve = subprocess.Popen(command, cwd=unit_working_directory("alignboard-pipeline.service", srv), env=env,
                                 stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until("web UI", lambda: web_ui_answers(port), 180, serve, log)
        assert (home / "dagster.yaml").is_file()  # the home was prepared from pipelines/dagster_home.yaml

        # the coordinator's export lands: generated elsewhere, then copied in
        export = tmp_path / "export"
        subprocess.run([sys.executable, "-m", "pipelines", "generate", "--out", str(export), "--students",
                        str(STUDENTS), "--years", "1", "--seed", "5"], check=True, env=env, capture_output=True)
        for path in sorted(export.glob("*.csv")):
            shutil.copy(path, landing / path.name)

        run = wait_until("finished sensor run", lambda: sensor_run_done(home), 300, serve, log)
        assert run.status == dg.DagsterRunStatus.SUCCESS, log.read_text()[-3000:]
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            quality = con.execute("SELECT file, status, rows_read, rows_loaded, rows_quarantined FROM mart.data_quality "
                                  "WHERE run_id = ?", [run.run_id]).fetchall()
        finally:
            con.close()
        contracts = {p.stem for p in (ROOT / "data_contracts").glob("*.yaml")}
        assert {row[0] for row in quality} == contracts  # the run recorded every file
        dropped = {p.stem for p in export.glob("*.csv")}
        assert {row[0] for row in quality if row[1] == "loaded"} == dropped  # a clean district: all loaded
        assert all(read == loaded + quarantined for _, _, read, loaded, quarantined in quality)
        assert ("districts", "loaded", 1, 1, 0) in quality  # the generator writes one district

        # a load from the command line, with the same environment, is in the same run history
        cli = subprocess.run([sys.executable, "-m", "pipelines", "load", "--landing", str(landing)],
                             env=env, capture_output=True, text=True)
        assert cli.returncode == 0, cli.stderr[-2000:]
        by_cli = [r for r in runs(home) if r.tags.get("alignboard/started_by") == "alignboard load"]
        assert [r.status for r in by_cli] == [dg.DagsterRunStatus.SUCCESS]
        assert by_cli[0].tags["alignboard/warehouse"] == str(warehouse)
    finally:
        serve.send_signal(signal.SIGTERM)  # what systemd does first (KillMode=mixed)
        try:
            stopped = serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            stopped = None
        try:
            os.killpg(serve.pid, signal.SIGKILL)  # whatever of its session is left
        except ProcessLookupError:
            pass
    assert stopped == 0, log.read_text()[-3000:]
