"""Benchmark: the dashboard's main callbacks against a bare Dash callback, side by side in one run.

    python benchmarks/bench_dashboard.py --warehouse /tmp/bench/warehouse.duckdb
    python benchmarks/bench_dashboard.py                  # generates and loads 200,000 students first

1. Two servers on 127.0.0.1, each in its own process (Flask's threaded server):
   - the dashboard as `alignboard dashboard` serves it (dashboards/app.py: login, the query layer with
     its cache, the real pages, the users' home pages drawn when it starts);
   - a bare Dash app whose one callback reads one entity's scorecard from mart.scorecard of the
     same warehouse (one open read-only connection, a cursor per call, no cache) and returns one
     Plotly bar: the least a callback over this mart costs.
2. Callbacks over HTTP (POST /_dash-update-component, bounded loops, cases interleaved so that
   noise hits all alike): each page's render (scorecard of the district, of a school, of a
   student group, metric detail, needs, equity, classroom data, data quality), the frame
   callback (top bar and banner) and a page of each grid served by the server (AG Grid's
   infinite row model: the equity page's school list, the district scorecard's layer below),
   logged in as a district analyst. The first request of
   each case runs before the caches hold it and is shown apart ("first"): the queries' cache
   and the drawn pages' cache (both keyed by the warehouse version) answer the others.
3. Time to a drawn page in headless Chromium (Debian's chromium + chromedriver): until the
   page's title is there, nothing is loading, every chart has drawn and every grid shows its
   rows. The first page after login in a new browser profile (empty caches) and in the same
   browser after logging out; each page opened by a link (a new document) and from inside the
   app (the page's callbacks only), with a pause between pages as a person reads them.
Prints p50/p95 per case, the ratios to the bare callback (targets: p95 <= 150 ms and <= 2x the
bare callback) and page-ready times (target <= 2 s).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password"

BARE_APP = textwrap.dedent("""
    import sys
    import duckdb
    import plotly.graph_objects as go
    from dash import Dash, Input, Output, dcc, html

    warehouse, port = sys.argv[1], int(sys.argv[2])
    app = Dash(__name__)
    app.layout = html.Div([dcc.Input(id="entity"), dcc.Graph(id="bar")])

    shared = duckdb.connect(warehouse, read_only=True)

    @app.callback(Output("bar", "figure"), Input("entity", "value"))
    def bar(entity):
        level, entity_id, year = entity.split("|")
        con = shared.cursor()
        try:
            rows = con.execute(
                "SELECT metric_id, value FROM mart.scorecard WHERE level = $l AND entity_id = $e "
                "AND school_year = $y ORDER BY metric_id", {"l": level, "e": entity_id, "y": int(year)}).fetchall()
        finally:
            con.close()
        return go.Figure(go.Bar(x=[r[0] for r in rows], y=[r[1] for r in rows]))

    app.run(host="127.0.0.1", port=port, debug=False, threaded=True)
""")

DASHBOARD_APP = textwrap.dedent("""
    import logging, sys
    from dashboards.app import create_app
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    create_app(sys.argv[1], warm_up=True).run(host="127.0.0.1", port=int(sys.argv[2]), debug=False, threaded=True)
""")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def wait_for_warm_up(log: Path, seconds: float = 300) -> None:
    """The served dashboard draws the users' home pages when it starts (dashboards/warmup.py), as
    `alignboard dashboard` does; time nothing while it is at it."""
    deadline = time.time() + seconds
    while "warm-up" not in log.read_text() and time.time() < deadline:  # drew, skipped or failed
        time.sleep(0.2)


def pick_entities(warehouse: Path) -> dict:
    """A school with PLCs and classrooms, its first PLC, the latest year, a student group."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        year = con.execute("SELECT max(school_year) FROM mart.scorecard").fetchone()[0]
        district = con.execute("SELECT min(entity_id) FROM staging.org_hierarchy WHERE entity_level = 'district'").fetchone()[0]
        school, plc = con.execute(
            "SELECT school_id, min(plc_id) FROM staging.plcs GROUP BY school_id ORDER BY school_id LIMIT 1").fetchone()
        group = con.execute("SELECT student_group FROM mart.metric_values WHERE student_group LIKE 'race_ethnicity:%' "
                            "GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    finally:
        con.close()
    return {"year": year, "district": district, "school": school, "plc": plc, "group": group}


def cases(e: dict) -> dict[str, tuple[str, str]]:
    """(pathname, search) of each page render to time."""
    from urllib.parse import urlencode

    def q(**kw):
        return "?" + urlencode(kw)

    return {
        "scorecard district": ("/", q(level="district", entity=e["district"], year=e["year"])),
        "scorecard school": ("/", q(level="school", entity=e["school"], year=e["year"])),
        "scorecard group": ("/", q(level="school", entity=e["school"], year=e["year"], group=e["group"])),
        "metric detail": ("/metric", q(level="district", entity=e["district"], metric="attendance_rate", year=e["year"])),
        "needs": ("/needs", q(level="school", entity=e["school"], year=e["year"])),
        "equity": ("/equity", q(level="district", entity=e["district"], year=e["year"])),
        "classroom data": ("/classroom", q(level="plc", entity=e["plc"], year=e["year"])),
        "data quality": ("/quality", ""),
    }


def page_payload(pathname: str, search: str) -> dict:
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def frame_payload(pathname: str, search: str) -> dict:
    return {
        "output": "..nav.children...user.children...banner.children..",
        "outputs": [{"id": "nav", "property": "children"}, {"id": "user", "property": "children"},
                    {"id": "banner", "property": "children"}],
        "inputs": [{"id": "url", "property": "pathname", "value": pathname},
                   {"id": "url", "property": "search", "value": search}],
        "changedPropIds": ["url.pathname"],
        "state": [],
    }


def rows_payload(grid_id: str, state: list[dict], sort: list[dict] | None = None) -> dict:
    """The first page of a server grid (AG Grid's infinite row model), with the states its rows
    callback reads."""
    return {
        "output": f"{grid_id}.getRowsResponse",
        "outputs": {"id": grid_id, "property": "getRowsResponse"},
        "inputs": [{"id": grid_id, "property": "getRowsRequest",
                    "value": {"startRow": 0, "endRow": 20, "sortModel": sort or [], "filterModel": {}}}],
        "changedPropIds": [f"{grid_id}.getRowsRequest"],
        "state": state,
    }


def equity_schools_payload(year: int, category: str) -> dict:
    """A page of the equity page's school list."""
    return rows_payload("equity-schools-grid", [
        {"id": {"type": "state", "key": "category"}, "property": "value", "value": category},
        {"id": {"type": "state", "key": "year"}, "property": "value", "value": year}])


def layer_below_payload(district: str, year: int) -> dict:
    """A page of the district scorecard's layer below (every school by every metric), sorted by
    its first metric, highest first."""
    view = {"level": "district", "entity": district, "year": year, "group": "all"}
    return rows_payload("scorecard-children", [{"id": "scorecard-children-view", "property": "data", "value": view}],
                        sort=[{"colId": "m0", "sort": "desc"}])


def bare_payload(entity: str) -> dict:
    return {"output": "bar.figure", "outputs": {"id": "bar", "property": "figure"},
            "inputs": [{"id": "entity", "property": "value", "value": entity}], "changedPropIds": ["entity.value"]}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def time_callbacks(dash_port: int, bare_port: int, e: dict, rounds: int) -> tuple[dict, dict]:
    import requests

    session = requests.Session()
    form = session.get(f"http://127.0.0.1:{dash_port}/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    login = session.post(f"http://127.0.0.1:{dash_port}/login", allow_redirects=False,
                         data={"username": "analyst", "password": PASSWORD, "next": "/", "csrf_token": token})
    if login.status_code != 302:
        raise SystemExit(f"login failed: {login.status_code}")
    bare = requests.Session()
    requests_by_case = {name: (session, f"http://127.0.0.1:{dash_port}/_dash-update-component", page_payload(*url))
                        for name, url in cases(e).items()}
    requests_by_case["frame (top bar, banner)"] = (
        session, f"http://127.0.0.1:{dash_port}/_dash-update-component", frame_payload("/", ""))
    requests_by_case["equity schools (a page)"] = (
        session, f"http://127.0.0.1:{dash_port}/_dash-update-component",
        equity_schools_payload(e["year"], "identification_all"))
    requests_by_case["district layer below (a page)"] = (
        session, f"http://127.0.0.1:{dash_port}/_dash-update-component", layer_below_payload(e["district"], e["year"]))
    requests_by_case["bare Plotly bar"] = (
        bare, f"http://127.0.0.1:{bare_port}/_dash-update-component",
        bare_payload(f"school|{e['school']}|{e['year']}"))
    first, times = {}, {name: [] for name in requests_by_case}
    for round_ in range(rounds + 1):
        for name, (client, url, payload) in requests_by_case.items():
            start = time.perf_counter()
            response = client.post(url, json=payload)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{name}: HTTP {response.status_code}: {response.text[:300]}")
            if round_ == 0:
                first[name] = elapsed
                if name != "bare Plotly bar" and '"role":"alert"' in response.text.replace(" ", ""):
                    print(f"  note: {name} rendered a message: {response.text[:300]}")
            else:
                times[name].append(elapsed)
    return first, times


# A page is drawn when its title is there, nothing is loading, every chart has drawn its SVG and
# every grid shows rows (or says it has none); then two animation frames, so the browser has painted.
DRAWN = """
const content = document.getElementById('_pages_content');
if (content === null || content.querySelector('h1') === null
    || document.querySelector('[data-dash-is-loading="true"]') !== null) return false;
const graphsDrawn = Array.from(content.querySelectorAll('.dash-graph')).every(g => g.querySelector('.main-svg'));
const gridsDrawn = Array.from(content.querySelectorAll('.grid'))  // every dash-ag-grid (className "grid")
    .every(g => g.querySelector('.ag-row, .ag-overlay-no-rows-center'));
return graphsDrawn && gridsDrawn;
"""
PAINTED = "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));"
# What a click on a link of the app does (dcc.Link): a new history entry, no new document.
NAVIGATE = "window.history.pushState({}, '', arguments[0]); window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));"
# A person reads a page before opening the next; the pause also keeps one page's late work out of
# the next page's time.
READING_SECONDS = 2.0
PAGES = ("scorecard district", "scorecard school", "metric detail", "equity", "classroom data")
FRESH_BROWSERS = 3


def time_page_loads(dash_port: int, e: dict, loads: int) -> dict[str, list[float]]:
    """Seconds until a page is drawn (DRAWN) in headless Chromium:
    - the first page after login, from the click on "Log in": in a new browser profile (nothing
      in the browser's caches: its first visit ever) and, after logging out, in the same browser
      (as on a person's next morning), `FRESH_BROWSERS` times each;
    - each page opened by a pasted link or a reload (a new document: scripts from the cache);
    - each page opened from a link inside the app (no new document: only the page's callbacks)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800"):
        options.add_argument(flag)
    base = f"http://127.0.0.1:{dash_port}"

    def drawn(driver, start: float, title_before: str | None = None) -> float:
        def done(d):
            if title_before is not None and d.execute_script(
                    "const h = document.querySelector('#_pages_content h1'); return h ? h.textContent : ''") == title_before:
                return False
            return d.execute_script(DRAWN)
        WebDriverWait(driver, 60, poll_frequency=0.02).until(done)
        driver.execute_async_script(PAINTED)
        seconds = time.perf_counter() - start
        time.sleep(READING_SECONDS)
        return seconds

    def log_in(driver, case: str) -> None:
        driver.get(f"{base}/login")
        driver.find_element(By.NAME, "username").send_keys("analyst")
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        start = time.perf_counter()
        driver.find_element(By.ID, "login-button").click()
        results.setdefault(case, []).append(drawn(driver, start))

    def fresh_browser():
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        log_in(driver, "first page after login, new browser")
        return driver

    results: dict[str, list[float]] = {}
    for _ in range(FRESH_BROWSERS - 1):
        fresh_browser().quit()
    driver = fresh_browser()
    try:
        pages = {name: cases(e)[name] for name in PAGES}
        for _ in range(loads):
            for name, (path, search) in pages.items():
                start = time.perf_counter()
                driver.get(base + path + search)
                results.setdefault(f"{name}, by link", []).append(drawn(driver, start))
        for _ in range(loads):
            for name, (path, search) in pages.items():
                title = driver.execute_script("return document.querySelector('#_pages_content h1').textContent")
                start = time.perf_counter()
                driver.execute_script(NAVIGATE, path + search)
                results.setdefault(f"{name}, in the app", []).append(drawn(driver, start, title))
        for _ in range(FRESH_BROWSERS):  # the next morning: the same browser, its caches kept
            driver.find_element(By.ID, "logout-button").click()  # logout is a POST
            WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "login-button"))
            log_in(driver, "first page after login, same browser")
    finally:
        driver.quit()
    return results


def build_warehouse(students: int, workdir: Path) -> Path:
    landing, warehouse = workdir / "landing", workdir / "warehouse.duckdb"
    cli = [sys.executable, "-m", "pipelines"]
    print(f"generating {students:,} students and loading them (minutes) into {workdir}", flush=True)
    subprocess.run(cli + ["generate", "--out", str(landing), "--students", str(students), "--years", "1"],
                   check=True, cwd=ROOT)
    subprocess.run(cli + ["load", "--landing", str(landing), "--warehouse", str(warehouse)], check=True, cwd=ROOT)
    return warehouse


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, help="a loaded warehouse (default: generate and load one)")
    parser.add_argument("--students", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=40, help="timed requests per callback")
    parser.add_argument("--page-loads", type=int, default=5, help="timed loads per page in Chromium")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium page loads")
    args = parser.parse_args()

    from dashboards import auth

    workdir = Path(tempfile.mkdtemp(prefix="bench_dashboard_"))
    warehouse = args.warehouse or build_warehouse(args.students, workdir)
    entities = pick_entities(warehouse)
    env = {**os.environ, "ALIGNBOARD_USERS": str(workdir / "users.yaml"), "PYTHONPATH": str(ROOT),
           "ALIGNBOARD_SECRET_KEY": "bench"}
    auth.add_user("analyst", "district", PASSWORD, students=True, path=workdir / "users.yaml")
    dash_port, bare_port = free_port(), free_port()
    # the servers' output goes to files: a pipe nobody reads would stall a server once it is full
    logs = [workdir / "dashboard.log", workdir / "bare.log"]
    servers = [
        subprocess.Popen([sys.executable, "-c", DASHBOARD_APP, str(warehouse), str(dash_port)], env=env, cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=logs[0].open("w")),
        subprocess.Popen([sys.executable, "-c", BARE_APP, str(warehouse), str(bare_port)], env=env, cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=logs[1].open("w")),
    ]
    try:
        wait_for(dash_port, servers[0], logs[0])
        wait_for(bare_port, servers[1], logs[1])
        wait_for_warm_up(logs[0])
        print(f"warehouse {warehouse}: {json.dumps(entities)}")
        first, times = time_callbacks(dash_port, bare_port, entities, args.rounds)
        pages = {} if args.no_browser else time_page_loads(dash_port, entities, args.page_loads)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)

    bare50, bare95 = percentile(times["bare Plotly bar"], 0.5), percentile(times["bare Plotly bar"], 0.95)
    print(f"\ncallbacks over HTTP, {args.rounds} requests each (ms; 'first' = before the cache holds it)")
    print(f"{'callback':<32}{'first':>9}{'p50':>9}{'p95':>9}{'p50/bare':>10}{'p95/bare':>10}  targets p95<=150 ms, <=2x")
    for name, values in times.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        ok = "ok" if p95 <= 150 and p95 <= 2 * bare95 else "MISSED"
        if name == "bare Plotly bar":
            ok = ""
        print(f"{name:<32}{first[name]:>9.1f}{p50:>9.1f}{p95:>9.1f}{p50 / bare50:>10.2f}{p95 / bare95:>10.2f}  {ok}")
    if pages:
        print(f"\ntime to a drawn page in headless Chromium, {args.page_loads} loads a page, "
              f"{FRESH_BROWSERS} logins each way (s; target <= 2 s)")
        print(f"{'page':<38}{'p50':>7}{'max':>7}")
        for name, values in pages.items():
            print(f"{name:<38}{statistics.median(values):>7.2f}{max(values):>7.2f}  "
                  f"{'ok' if max(values) <= 2 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
