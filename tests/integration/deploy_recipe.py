"""The production recipe of deploy/systemd (README "Running it every night"), moved under a
temporary folder: the environment file's variables and a unit's command, as a test runs them."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "deploy" / "systemd"
SRV, VENV_BIN = "/srv/alignboard", "/opt/alignboard/.venv/bin/"


def recipe_environment(srv: Path) -> dict[str, str]:
    """alignboard.env with /srv/alignboard moved to `srv` (comments and secrets left out)."""
    env = {}
    for line in (RECIPE / "alignboard.env").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip().strip('"').replace(SRV, str(srv))  # as systemd reads quotes
    return env


def unit_command(unit: str) -> list[str]:
    """The unit's ExecStart, with the venv's scripts run by this Python (`alignboard` is
    `python -m pipelines`, gunicorn `python -m gunicorn`)."""
    line = next(l for l in (RECIPE / unit).read_text().splitlines() if l.startswith("ExecStart="))
    command = shlex.split(line.removeprefix("ExecStart="))
    program = command[0].removeprefix(VENV_BIN)
    module = {"alignboard": "pipelines", "gunicorn": "gunicorn"}[program]
    return [sys.executable, "-m", module, *command[1:]]


def unit_working_directory(unit: str, srv: Path) -> Path:
    line = next(l for l in (RECIPE / unit).read_text().splitlines() if l.startswith("WorkingDirectory="))
    return Path(line.removeprefix("WorkingDirectory=").replace(SRV, str(srv)))


def with_option(command: list[str], option: str, value: str) -> list[str]:
    """The command with `option`'s value replaced (a free port for the test)."""
    index = command.index(option)
    return command[:index + 1] + [value] + command[index + 2:]
