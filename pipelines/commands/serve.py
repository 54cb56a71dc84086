"""`alignboard serve`: the Dagster daemon and web UI on a persistent instance, for production.

  alignboard serve [--home DIR] [--host 127.0.0.1] [--port 3000] [--no-webserver]

The daemon fires the nightly schedule, the landing-folder sensor and the run-status sensors
(failure record, alerts); the web UI shows every run, including `alignboard load` runs started
with the same $DAGSTER_HOME. The home gets pipelines/dagster_home.yaml as its dagster.yaml the
first time. Runs until stopped (SIGTERM or Ctrl+C stops both processes); exit 1 when either
process dies or the port is taken, 2 usage error.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HELP = "Run the Dagster daemon (nightly schedule, landing sensor, alerts) and web UI on a persistent instance."

TEMPLATE = Path(__file__).resolve().parents[1] / "dagster_home.yaml"
CODE_LOCATION = "pipelines.definitions"


def default_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or "data/dagster_home")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", type=Path, default=None,
                        help="the Dagster instance folder (default: $DAGSTER_HOME or data/dagster_home)")
    parser.add_argument("--host", default="127.0.0.1", help="address of the web UI (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=3000, help="port of the web UI (default 3000)")
    parser.add_argument("--no-webserver", action="store_true", help="run the daemon only")


def prepare_home(home: Path) -> Path:
    """The absolute home folder, with a dagster.yaml (ours, unless the district wrote its own)."""
    home = home.expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(TEMPLATE, config)
    return home


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def dagster_command(name: str) -> str:
    """A Dagster console script of this Python's environment (the venv's, not one on PATH)."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def commands(args) -> list[tuple[str, list[str]]]:
    daemon = [dagster_command("dagster-daemon"), "run", "-m", CODE_LOCATION]
    wanted = [("daemon", daemon)]
    if not args.no_webserver:
        wanted.append(("web UI", [dagster_command("dagster-webserver"), "-m", CODE_LOCATION,
                                  "-h", args.host, "-p", str(args.port)]))
    return wanted


def run(args) -> int:
    if not 0 < args.port < 65536:
        print(f"alignboard serve: --port must be 1-65535, not {args.port}", file=sys.stderr)
        return 2
    if not args.no_webserver and port_in_use(args.host, args.port):
        print(f"alignboard serve: port {args.port} on {args.host} is in use; stop what holds it or pass --port",
              file=sys.stderr)
        return 1
    from pipelines.alerts.settings import AlertSettingsError, load_alert_settings

    try:
        alerts = load_alert_settings()
    except AlertSettingsError as error:
        print(f"alignboard serve: {error}", file=sys.stderr)
        return 2
    try:
        home = prepare_home(args.home or default_home())
    except OSError as error:
        print(f"alignboard serve: cannot use {args.home or default_home()} as the Dagster home: {error.strerror}",
              file=sys.stderr)
        return 1
    from assets.resources import default_landing
    from assets.warehouse import default_path

    env = dict(os.environ, DAGSTER_HOME=str(home))
    print(f"Dagster home {home}", flush=True)
    print(f"  warehouse {Path(default_path()).resolve()}  landing {Path(default_landing()).resolve()}", flush=True)
    print(f"  alerts by {', '.join(alerts.channels) or 'no channel (alerts: in $ALIGNBOARD_CONFIG)'}", flush=True)
    if not args.no_webserver:
        print(f"  web UI on http://{args.host}:{args.port}/", flush=True)

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    processes = {name: subprocess.Popen(command, env=env) for name, command in commands(args)}
    exit_code = 0
    try:
        while not stopping:
            dead = [name for name, process in processes.items() if process.poll() is not None]
            if dead:
                print(f"alignboard serve: the {dead[0]} stopped (exit {processes[dead[0]].returncode}); "
                      "stopping the rest", file=sys.stderr)
                exit_code = 1
                break
            time.sleep(0.5)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 30
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return exit_code
