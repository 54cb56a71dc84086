"""The dashboard in real headless Chromium (Debian's chromium and chromium-driver).

One small district is generated and loaded per session (400 students, 2025 and 2026, seed 7, with a
disparity threshold of 2.0 so that it has a flagged group), the demo users are added through
`alignboard users add`, and `alignboard dashboard` serves it on a free port of 127.0.0.1.
Screenshots of every page land in test-artifacts/e2e/ (gitignored) to be looked at.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from dashboards.auth import add_user

CHROMIUM = os.environ.get("ALIGNBOARD_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("ALIGNBOARD_CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")

# The demo logins: name -> (scope, may see students). The ids are the generated district's.
USERS = {
    "analyst": ("district", True),
    "principal": ("school:01001", False),
    "transport": ("department:TRN", False),
    "plclead": ("plc:01001-grade_03", False),
    "teacher": ("classroom:01001-2026-0031", True),
}

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(config, items):
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[dev]')")
    if missing:
        skip = pytest.mark.skip(reason=f"browser tests need {', '.join(missing)} (make browsers)")
        for item in items:
            if "tests/e2e" in str(item.fspath):
                item.add_marker(skip)


def password(name: str) -> str:
    return f"e2e-{name}-secret"


def cli(*args: str, env: dict | None = None, stdin: str | None = None) -> None:
    result = subprocess.run([sys.executable, "-m", "pipelines", *args], input=stdin, text=True,
                            capture_output=True, env={**os.environ, **(env or {})}, timeout=900)
    assert result.returncode == 0, f"alignboard {' '.join(args)}: {result.stderr[-2000:]}"


def build_warehouse(root: Path) -> Path:
    """Generate and load the district; $ALIGNBOARD_E2E_WAREHOUSE names a folder to keep it in
    between runs while iterating on the pages (it is built there once)."""
    keep = os.environ.get("ALIGNBOARD_E2E_WAREHOUSE")
    folder = Path(keep) if keep else root
    warehouse = folder / "warehouse.duckdb"
    if keep and warehouse.is_file():
        return warehouse
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.yaml"
    config.write_text('disparity:\n  threshold: "2.0"\n  consecutive_years: 2\n', encoding="utf-8")
    # the school years 2024-25 and 2025-26, whatever today is, so the ids the tests name exist
    cli("generate", "--out", str(folder / "landing"), "--students", "400", "--years", "2", "--seed", "7",
        "--end-year", "2026")
    cli("load", "--landing", str(folder / "landing"), "--warehouse", str(warehouse),
        env={"ALIGNBOARD_CONFIG": str(config)})
    return warehouse


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """(base URL, warehouse path) of a dashboard serving the small generated district."""
    root = tmp_path_factory.mktemp("e2e")
    warehouse, users = build_warehouse(root), root / "users.yaml"
    for name, (scope, students) in USERS.items():
        add_user(name, scope, password(name), students, users)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "ALIGNBOARD_USERS": str(users), "ALIGNBOARD_SECRET_KEY": "e2e"}
    log = open(root / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "pipelines", "dashboard", "--warehouse", str(warehouse),
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/login", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                log.close()
                pytest.fail(f"the dashboard did not start: {(root / 'server.log').read_text()[-2000:]}")
            time.sleep(0.3)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield base, warehouse
    server.terminate()
    server.wait(timeout=20)
    log.close()
    shutil.copy(root / "server.log", ARTIFACTS / "server.log")


@pytest.fixture(scope="session")
def chromium(site):
    """One headless Chromium (own profile and download folder) for the session: starting a
    browser and loading the app's scripts again for every test cost most of the suite's time."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="alignboard-chromium-")
    downloads = Path(profile) / "downloads"
    downloads.mkdir()
    options = Options()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,800")
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.downloads = downloads
    driver.base = site[0]
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(chromium):
    """The session's Chromium as a new visitor: logged out (no cookies), 1280x800, no console
    entries or downloads of an earlier test."""
    chromium.delete_all_cookies()
    chromium.set_window_size(1280, 800)
    chromium.get(chromium.base + "/login")
    chromium.get_log("browser")
    for old in chromium.downloads.iterdir():
        old.unlink()
    return chromium
