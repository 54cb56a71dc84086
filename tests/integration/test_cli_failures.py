"""The CLI fails politely: a busy port, a missing users file, an unreadable warehouse end in one
line and exit 1, and a reader that stops early (`| head`) ends a command quietly. Run as a person
would, in a process of its own, so an abort or a traceback at exit would show."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).parents[2]


def alignboard(*args: str, env: dict | None = None, close_stdout: bool = False) -> tuple[int, str]:
    """Run `python -m pipelines ARGS`; return its exit code and stderr. With close_stdout, the
    reader of its output has gone before it writes, as `| head` is after its lines."""
    process = subprocess.Popen([sys.executable, "-m", "pipelines", *args], cwd=ROOT,
                               env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    if close_stdout:
        process.stdout.close()
    _, err = process.communicate(timeout=300)
    return process.returncode, err


@pytest.fixture
def users(tmp_path) -> dict:
    path = tmp_path / "users.yaml"
    code = subprocess.run([sys.executable, "-m", "pipelines", "users", "add", "ana", "--scope", "district",
                           "--password-stdin"], cwd=ROOT, input="a long passphrase", text=True,
                          capture_output=True, env={**os.environ, "ALIGNBOARD_USERS": str(path)}).returncode
    assert code == 0
    return {"ALIGNBOARD_USERS": str(path)}


def test_a_dashboard_on_a_busy_port_says_so_in_one_line_and_exits_1(clean_load, users):
    with socket.socket() as taken:  # another server already listens there
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = alignboard("dashboard", "--warehouse", str(clean_load), "--port", str(port), env=users)
    assert (code, err) == (1, f"alignboard dashboard: cannot listen on 127.0.0.1:{port} (Address already in use); "
                              "is the dashboard already running? choose another with --port\n")


def test_a_dashboard_without_a_users_file_says_how_to_add_one_and_exits_1(clean_load, tmp_path):
    missing = tmp_path / "nobody.yaml"
    code, err = alignboard("dashboard", "--warehouse", str(clean_load), env={"ALIGNBOARD_USERS": str(missing)})
    assert (code, err) == (1, f"alignboard dashboard: no users file at {missing} ($ALIGNBOARD_USERS): add a user "
                              "with `alignboard users add NAME --scope LEVEL[:ID] --password-stdin`\n")


@pytest.mark.parametrize("command", [["quality"], ["quarantine", "students.csv"], ["dashboard"]])
def test_an_unreadable_warehouse_is_one_line_and_exit_1(command, tmp_path, users):
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"not a database" * 1000)
    code, err = alignboard(*command, "--warehouse", str(warehouse), env=users)
    assert code == 1
    assert err.startswith(f"alignboard {command[0]}: cannot read the warehouse {warehouse}: ")
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("command", [["quality"], ["export", "metrics"], ["quarantine", "students.csv"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(command, clean_load):
    code, err = alignboard(*command, "--warehouse", str(clean_load), close_stdout=True)
    assert (code, err) == (141, "")  # 141 = 128 + SIGPIPE, what a shell shows for `cmd | head`
