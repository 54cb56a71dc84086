"""The dashboard as production serves it: the dashboard unit's gunicorn command (deploy/systemd)
with 2 workers and the shared secret key. A login made on one worker holds on the other, and a
signed-in user gets pages and callbacks from both."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from dashboards import auth
from tests.integration.alert_receivers import free_port
from tests.integration.deploy_recipe import ROOT, recipe_environment, unit_command, unit_working_directory, with_option

pytestmark = pytest.mark.integration

PASSWORD = "a long passphrase for the test"
UNIT = "alignboard-dashboard.service"


def log_in(base: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/login", timeout=30).text
    fields = {"username": "maria", "password": PASSWORD, "next": "/"}
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)  # when the form carries one
    if token:
        fields["csrf_token"] = token.group(1)
    response = session.post(f"{base}/login", data=fields, allow_redirects=False, timeout=60)
    assert response.status_code == 302, response.text[:300]
    return session


def scorecard_callback() -> dict:
    """What the browser POSTs to draw the scorecard page (as tests/e2e and the benchmarks do)."""
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/"},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def test_gunicorn_with_two_workers_serves_a_signed_in_user_from_both(clean_load, tmp_path):
    srv = tmp_path / "srv" / "alignboard"
    env = recipe_environment(srv)
    srv.mkdir(parents=True)
    Path(env["ALIGNBOARD_WAREHOUSE"]).write_bytes(clean_load.read_bytes())
    auth.add_user("maria", "district", PASSWORD, students=False, path=env["ALIGNBOARD_USERS"])
    env = {**os.environ, **env, "PYTHONPATH": str(ROOT), "ALIGNBOARD_SECRET_KEY": "the-district's-own-secret",
           "ALIGNBOARD_SECURE_COOKIES": "0"}  # the test speaks plain HTTP to gunicorn, not through the TLS proxy
    port = free_port()
    access_log = tmp_path / "access.log"
    command = with_option(unit_command(UNIT), "--bind", f"127.0.0.1:{port}")
    assert command[command.index("--workers") + 1] == "2"
    # the worker's pid in the access log: which worker answered each request
    command += ["--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s %(m)s %(U)s"]
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=unit_working_directory(UNIT, srv), env=env, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()[-3000:]
            try:
                if requests.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, f"gunicorn did not answer:\n{log.read_text()[-3000:]}"
            time.sleep(0.5)

        session = log_in(base)
        page = session.get(f"{base}/", headers={"Accept": "text/html"}, timeout=60)
        assert page.status_code == 200 and "<title>Alignboard</title>" in page.text

        def callback(_):
            response = session.post(f"{base}/_dash-update-component", json=scorecard_callback(), timeout=60,
                                    headers={"Connection": "close"})  # a new connection: any worker may take it
            return response.status_code, response.text

        answers = []
        deadline = time.monotonic() + 120  # until both workers have booted and answered
        while len(workers_that_answered(access_log)) < 2 and time.monotonic() < deadline:
            with ThreadPoolExecutor(8) as pool:  # several at once, so both workers take some
                answers += list(pool.map(callback, range(8)))
        assert {status for status, _ in answers} == {200}
        drawn = json.loads(answers[0][1])["response"]["_pages_content"]["children"]
        assert "Demo District" in json.dumps(drawn)  # the district of the clean load, drawn for maria
    finally:
        server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    callbacks = served_callbacks(access_log)
    assert len(callbacks) == len(answers) and {status for _, status in callbacks} == {"200"}
    assert len(workers_that_answered(access_log)) == 2  # the login made on one worker held on the other


def served_callbacks(access_log: Path) -> list[tuple[str, str]]:
    """(worker pid, HTTP status) of every Dash callback in gunicorn's access log."""
    served = [line.split() for line in access_log.read_text().splitlines()] if access_log.exists() else []
    return [(pid, status) for pid, status, method, path in served if path == "/_dash-update-component"]


def workers_that_answered(access_log: Path) -> set[str]:
    return {pid for pid, status in served_callbacks(access_log) if status == "200"}
