"""The dashboard served on 127.0.0.1 by `alignboard dashboard` in its own process, and probed as an
attacker would: plain HTTP through `requests`, no browser.

One small district is generated and loaded per session (400 students, 2 school years, seed 7, as
the browser tests' district: schools 01001, 02001 and 03001). Each server gets its own users file, so a logout or a password change in
one test module cannot reach another.
"""
from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from dashboards.auth import add_user
from tests.dash_trees import answer_components

# name -> (scope, may see students, password)
USERS = {
    "pat": ("school:01001", False, "pat-password-2026"),
    "ana": ("district", True, "ana-password-2026"),
}


@pytest.fixture(scope="session")
def district(tmp_path_factory) -> Path:
    """The warehouse of one `alignboard load` of a generated district (read it, never write it)."""
    from pipelines.cli import main

    folder = tmp_path_factory.mktemp("district")
    warehouse = folder / "warehouse.duckdb"
    assert main(["generate", "--out", str(folder / "landing"), "--students", "400", "--years", "2",
                 "--seed", "7", "--end-year", "2026"]) == 0
    assert main(["load", "--landing", str(folder / "landing"), "--warehouse", str(warehouse)]) == 0
    return warehouse


@dataclass
class Site:
    base: str
    process: subprocess.Popen
    log: Path
    users: Path
    passwords: dict = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base + path

    def form(self, session: requests.Session, path: str = "/login") -> dict:
        """The hidden fields of the login form (next, csrf_token) as the server drew them."""
        page = session.get(self.url(path), allow_redirects=False)
        assert page.status_code == 200, page.text[:300]
        return {name: html.unescape(value)
                for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text)}

    def login(self, session: requests.Session, name: str, password: str | None = None, next_path: str = "/",
              address: str | None = None) -> requests.Response:
        """POST the login form with its CSRF token; `address`: the client a listed proxy forwards."""
        fields = self.form(session)
        headers = {"X-Forwarded-For": address} if address else {}
        return session.post(self.url("/login"), allow_redirects=False, headers=headers,
                            data={**fields, "username": name, "next": next_path,
                                  "password": self.passwords.get(name, "") if password is None else password})

    def signed_in(self, session: requests.Session) -> bool:
        """Whether the session may read the app (401 without a login)."""
        status = session.get(self.url("/_dash-layout")).status_code
        assert status in (200, 401), status
        return status == 200

    def logout(self, session: requests.Session) -> requests.Response:
        """Press the top bar's "Log out": POST its form, as the browser does."""
        button = logout_button(frame(self, session))
        return session.post(self.url(button["action"]), data={button["name"]: button["value"]},
                            allow_redirects=False)


def frame_body(pathname: str = "/", search: str = "") -> dict:
    """The request the browser sends for the top bar (app.py's frame callback)."""
    return {"output": "..nav.children...user.children...banner.children..",
            "outputs": [{"id": "nav", "property": "children"}, {"id": "user", "property": "children"},
                        {"id": "banner", "property": "children"}],
            "inputs": [{"id": "url", "property": "pathname", "value": pathname},
                       {"id": "url", "property": "search", "value": search}],
            "changedPropIds": ["url.pathname"]}


def frame(site: Site, session: requests.Session) -> requests.Response:
    answer = session.post(site.url("/_dash-update-component"), json=frame_body())
    assert answer.status_code == 200, answer.text[:300]
    return answer


def logout_button(answer: requests.Response) -> dict:
    """The top bar's logout form: its method and action, and its button's name and value."""
    forms = [c["props"] for c in answer_components(answer.json()["response"]["user"]) if c.get("type") == "Form"]
    assert len(forms) == 1, forms
    button = next(c["props"] for c in answer_components(forms[0]) if c.get("type") == "Button")
    return {"method": forms[0]["method"].upper(), "action": forms[0]["action"], "name": button["name"],
            "value": button["value"]}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(warehouse: Path, folder: Path, env: dict | None = None, host: str = "127.0.0.1",
          wait: bool = True, accounts: dict | None = None) -> Site:
    """`alignboard dashboard` on a free port with its own users file (`accounts`, default USERS),
    waited for until /login answers (or, `wait=False`, not at all)."""
    folder.mkdir(parents=True, exist_ok=True)
    users = folder / "users.yaml"
    accounts = USERS if accounts is None else accounts
    for name, (scope, students, password) in accounts.items():
        add_user(name, scope, password, students, users)
    port = free_port()
    environment = {**{k: v for k, v in os.environ.items() if not k.startswith("ALIGNBOARD_")},
                   "ALIGNBOARD_USERS": str(users), "ALIGNBOARD_SECRET_KEY": "security-tests", **(env or {})}
    log = folder / "server.log"
    process = subprocess.Popen([sys.executable, "-m", "pipelines", "dashboard", "--warehouse", str(warehouse),
                                "--host", host, "--port", str(port)],
                               stdout=log.open("w"), stderr=subprocess.STDOUT, env=environment)
    site = Site(f"http://127.0.0.1:{port}", process, log, users, {n: p for n, (_, _, p) in accounts.items()})
    deadline = time.time() + 60
    while wait:
        try:
            requests.get(site.url("/login"), timeout=2)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.time() > deadline:
                stop(site)
                pytest.fail(f"the dashboard did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
    return site


def stop(site: Site) -> None:
    if site.process.poll() is None:
        site.process.terminate()
        try:
            site.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            site.process.kill()
            site.process.wait()


@pytest.fixture
def serve(district, tmp_path):
    """Start servers with extra environment for one test; all are stopped after it."""
    started = []

    def serve_with(env: dict | None = None, host: str = "127.0.0.1", wait: bool = True) -> Site:
        site = start(district, tmp_path / f"server{len(started)}", env, host, wait)
        started.append(site)
        return site

    yield serve_with
    for site in started:
        stop(site)


@pytest.fixture(scope="module")
def site(district, tmp_path_factory):
    """One server for a test module (its throttle counts failures from 127.0.0.1 across the
    module's tests: a module keeps under five)."""
    served = start(district, tmp_path_factory.mktemp("site"))
    yield served
    stop(served)
