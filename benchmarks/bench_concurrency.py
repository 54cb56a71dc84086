"""Benchmark: a Monday morning, N signed-in users browsing the dashboard at once.

    python benchmarks/bench_concurrency.py --warehouse /tmp/bench/warehouse.duckdb
    python benchmarks/bench_concurrency.py                 # generates and loads 20,000 students first
    python benchmarks/bench_concurrency.py --server flask  # Flask's own server (`alignboard dashboard`)

The server runs as production runs it: gunicorn with the dashboard unit's command (deploy/systemd;
`--workers`/`--threads` override its options), or Flask's threaded server. Then, for N = 1, 10, 20 and 40
users (`--users`), N threads each log in with their own session (district analysts who may see
students, and principals of one school, alternately) and browse for `--seconds` (60) without
pausing: each page as the browser asks for it (the page callback and the frame callback, POST
/_dash-update-component, as benchmarks/bench_dashboard.py sends them) through the scorecard,
metric detail, needs, equity, classroom data, plans and data-quality pages, and the metrics CSV
(GET /export/metrics.csv). A warm-up round (2 users, `--warm-up` seconds) fills the caches first.

Prints per N: requests/s, p50/p95/p99 of every request, errors (not HTTP 200, a connection
error, or a page that says it could not be drawn), the logins' p50/p95, the Plans page's p50/p95,
and the server processes' memory (RSS of the server and its workers, summed: at the start of the
round, its peak, at its end). Targets at 20 users: p95 <= 500 ms, 0 errors, Plans <= 150 ms
(cached), memory flat after the warm-up.
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_dashboard import build_warehouse, frame_payload, free_port, page_payload, percentile, pick_entities  # noqa: E402

PASSWORD = "bench-password-of-a-monday"
DASHBOARD_UNIT = ROOT / "deploy" / "systemd" / "alignboard-dashboard.service"
FLASK_APP = ("import sys; from dashboards.app import create_app; "
             "create_app(sys.argv[1], warm_up=True).run(host='127.0.0.1', port=int(sys.argv[2]), threaded=True)")


def unit_arguments() -> list[str]:
    """The dashboard unit's gunicorn options and application (the production settings), without
    the program; an older checkout without the unit: gunicorn's defaults."""
    if not DASHBOARD_UNIT.exists():
        return ["dashboards.app:server()"]
    line = next(l for l in DASHBOARD_UNIT.read_text().splitlines() if l.startswith("ExecStart="))
    return shlex.split(line.removeprefix("ExecStart="))[1:]


def unit_option(name: str, default: str) -> str:
    words = unit_arguments()
    return words[words.index(name) + 1] if name in words else default


def with_option(words: list[str], name: str, value: str) -> list[str]:
    """`words` with option `name` set to `value` (replaced, or added in front)."""
    if name in words:
        index = words.index(name)
        return words[:index + 1] + [value] + words[index + 2:]
    return [name, value, *words]


def browse_plan(e: dict, analyst: bool) -> list[tuple[str, str, object]]:
    """(label, method, payload or URL) of one pass through the pages, as a browser asks for them."""
    level, entity = ("district", e["district"]) if analyst else ("school", e["school"])
    year = e["year"]

    def q(**kw):
        return "?" + urlencode(kw)

    pages = [
        ("scorecard", "/", q(level=level, entity=entity, year=year)),
        ("metric detail", "/metric", q(level=level, entity=entity, metric="attendance_rate", year=year)),
        ("needs", "/needs", q(level="school", entity=e["school"], year=year)),
        ("equity", "/equity", q(level=level, entity=entity, year=year)),
        ("classroom data", "/classroom", q(level="plc", entity=e["plc"], year=year)),
        ("plans", "/plans", ""),
        ("data quality", "/quality", ""),
    ]
    plan = []
    for label, path, search in pages:
        plan.append((label, "page", page_payload(path, search)))
        plan.append(("frame", "page", frame_payload(path, search)))
    plan.append(("metrics csv", "csv", "/export/metrics.csv?" + urlencode(
        {"level": level, "entity": entity, "metric": "attendance_rate", "year": year})))
    return plan


class Round:
    """What the users of one round measured (ms), shared by their threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: list[float] = []
        self.logins: list[float] = []
        self.plans: list[float] = []
        self.by_label: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1


def user(base: str, name: str, plan: list, offset: int, until: float, result: Round) -> None:
    import requests

    session = requests.Session()
    start = time.perf_counter()
    try:
        form = session.get(f"{base}/login", timeout=120).text  # the form, and its CSRF token if it has one
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        fields = {"username": name, "password": PASSWORD, "next": "/"}
        if token:
            fields["csrf_token"] = token.group(1)
        login = session.post(f"{base}/login", data=fields, allow_redirects=False, timeout=120)
    except requests.RequestException as error:
        result.error(f"login: {type(error).__name__}")
        return
    with result.lock:
        result.logins.append((time.perf_counter() - start) * 1000)
    if login.status_code != 302:
        result.error(f"login: HTTP {login.status_code}")
        return
    n = offset
    while time.perf_counter() < until:
        label, kind, what = plan[n % len(plan)]
        n += 1
        start = time.perf_counter()
        try:
            if kind == "page":
                response = session.post(f"{base}/_dash-update-component", json=what, timeout=120)
            else:
                response = session.get(f"{base}{what}", timeout=120)
        except requests.RequestException as error:
            result.error(f"{label}: {type(error).__name__}")
            continue
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            result.error(f"{label}: HTTP {response.status_code}")
        elif "could not be drawn" in response.text:
            result.error(f"{label}: not drawn")
        with result.lock:
            result.times.append(elapsed)
            result.by_label.setdefault(label, []).append(elapsed)
            if label == "plans":
                result.plans.append(elapsed)


def server_rss(pid: int) -> int:
    """Bytes resident in the server and all its workers (psutil, else /proc)."""
    try:
        import psutil

        process = psutil.Process(pid)
        total = 0
        for p in [process, *process.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total
    except ImportError:
        pids, total = {pid}, 0
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    if int(stat[1]) in pids:
                        pids.add(int(entry.name))
                except OSError:
                    pass
        for p in pids:
            try:
                rss = next(l for l in Path(f"/proc/{p}/status").read_text().splitlines() if l.startswith("VmRSS"))
                total += int(rss.split()[1]) * 1024
            except (OSError, StopIteration):
                pass
        return total


def run_round(base: str, e: dict, users: int, seconds: float, pid: int) -> tuple[Round, list[int]]:
    result, samples = Round(), [server_rss(pid)]
    until = time.perf_counter() + seconds
    threads = []
    for i in range(users):
        analyst = i % 2 == 0
        plan = browse_plan(e, analyst)
        name = f"{'analyst' if analyst else 'principal'}{i}"
        threads.append(threading.Thread(target=user, args=(base, name, plan, 2 * i, until, result), daemon=True))
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        samples.append(server_rss(pid))
        time.sleep(0.5)
    samples.append(server_rss(pid))
    return result, samples


def add_users(path: Path, count: int, school: str) -> None:
    """Analysts of the district (students) and principals of one school, sharing one password
    hash (werkzeug's, as `alignboard users add` makes it), in the users file's format."""
    import yaml
    from werkzeug.security import generate_password_hash

    password_hash = generate_password_hash(PASSWORD)
    users = {}
    for i in range(count):
        analyst = i % 2 == 0
        users[f"{'analyst' if analyst else 'principal'}{i}"] = {
            "scope": "district" if analyst else f"school:{school}", "students": analyst,
            "password_hash": password_hash}
    path.write_text(yaml.safe_dump({"users": users}))
    path.chmod(0o600)


def start_server(args, warehouse: Path, workdir: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "ALIGNBOARD_USERS": str(workdir / "users.yaml"), "ALIGNBOARD_WAREHOUSE": str(warehouse),
           "PYTHONPATH": str(ROOT), "ALIGNBOARD_SECRET_KEY": "bench-secret",
           "ALIGNBOARD_SECURE_COOKIES": "0"}  # plain HTTP on 127.0.0.1, no TLS proxy
    if args.server == "flask":
        command = [sys.executable, "-c", FLASK_APP, str(warehouse), str(port)]
    else:
        words = unit_arguments()
        for name, value in (("--workers", args.workers), ("--threads", args.threads), ("--bind", f"127.0.0.1:{port}")):
            words = with_option(words, name, str(value))
        command = [sys.executable, "-m", "gunicorn", *words]
    print(f"server: {' '.join(command[2:] if args.server != 'flask' else ['Flask threaded server'])}", flush=True)
    log = (workdir / "server.log").open("w")
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def wait_for_login(base: str, server: subprocess.Popen, seconds: float = 180) -> None:
    import requests

    deadline = time.time() + seconds
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited; see its log")
        try:
            if requests.get(f"{base}/login", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, help="a loaded warehouse (default: generate and load one)")
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--users", default="1,10,20,40", help="users per round, comma separated")
    parser.add_argument("--seconds", type=float, default=60, help="length of each round")
    parser.add_argument("--warm-up", type=float, default=20, help="length of the unmeasured first round")
    parser.add_argument("--server", choices=["gunicorn", "flask"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=int(unit_option("--workers", "2")))
    parser.add_argument("--threads", type=int, default=int(unit_option("--threads", "1")))
    args = parser.parse_args()
    rounds = [int(n) for n in args.users.split(",")]

    workdir = Path(tempfile.mkdtemp(prefix="bench_concurrency_"))
    warehouse = args.warehouse or build_warehouse(args.students, workdir)
    e = pick_entities(warehouse)
    add_users(workdir / "users.yaml", max(rounds + [2]), e["school"])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args, warehouse, workdir, port)
    results = []
    try:
        wait_for_login(base, server)
        time.sleep(5)  # each worker draws the users' home pages when it starts
        load = os.getloadavg()[0]
        run_round(base, e, 2, args.warm_up, server.pid)
        for users in rounds:
            result, samples = run_round(base, e, users, args.seconds, server.pid)
            results.append((users, result, samples))
            print(f"  {users} users: {len(result.times)} requests, errors {result.errors or 0}", flush=True)
        load = max(load, os.getloadavg()[0])
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\n{warehouse} ({e}); {args.seconds:.0f} s a round, {os.cpu_count()} cores, "
          f"load average {load:.1f} (other work on the machine counts)")
    print(f"{'users':>5}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'errors':>7}{'login p50':>10}{'p95':>6}"
          f"{'plans p50':>10}{'p95':>6}{'MB start':>9}{'peak':>6}{'end':>6}  (ms; targets at 20: p95<=500, 0 errors, plans<=150)")
    for users, r, samples in results:
        errors = sum(r.errors.values())
        plans50 = percentile(r.plans, 0.5) if r.plans else float("nan")
        plans95 = percentile(r.plans, 0.95) if r.plans else float("nan")
        print(f"{users:>5}{len(r.times) / args.seconds:>8.1f}{percentile(r.times, 0.5):>7.0f}"
              f"{percentile(r.times, 0.95):>7.0f}{percentile(r.times, 0.99):>7.0f}{errors:>7}"
              f"{percentile(r.logins, 0.5):>10.0f}{percentile(r.logins, 0.95):>6.0f}{plans50:>10.0f}{plans95:>6.0f}"
              f"{samples[0] / 2**20:>9.0f}{max(samples) / 2**20:>6.0f}{samples[-1] / 2**20:>6.0f}")
    for users, r, _ in results:
        print(f"  {users} users, by request (n p50/p95 ms): " + "; ".join(
            f"{label} {len(t)} {percentile(t, 0.5):.0f}/{percentile(t, 0.95):.0f}" for label, t in r.by_label.items()))
    for users, r, _ in results:
        if r.errors:
            print(f"errors at {users} users: {r.errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
