"""Load benchmark: the full `alignboard load` against the floor of plain DuckDB CSV reads.

In one run, on the same landing folder (200,000 students, one school year by default):
  floor  DuckDB read_csv of every landing file into tables, no checks at all;
  ingest the load's ingest and staging assets (contracts, quarantine, GX checks, staging) into a
         new warehouse: the work the floor stands for;
  load   the full `alignboard load` into a new warehouse: ingest, staging and every mart;
  reload the full load again over the existing warehouse, nothing changed (the usual night):
         every file found unchanged (same size and mtime: its recorded sha256 reused), every
         table kept;
  reload+day  a reload where attendance_daily.csv gained one school day (a copy of the folder,
         the other files linked): that file is read again, and what is below it rebuilt.
Each phase runs in its own process so its peak RSS is its own. Targets: ingest/floor <= 3.0,
peak RSS <= 8 GiB on the 2-core machine, reload/load <= 0.10 and reload+day/load <= 0.50. The
ratio compares the ingest, not the full load: the marts compute four million metric values the
floor has no counterpart for, and benchmarks/bench_metrics.py measures them against a floor of
their own.

    python benchmarks/bench_load.py [--landing DIR [--one-more-day DIR]] [--students N] [--work DIR]

Reuse what an earlier run generated: --landing bench_out/landing_200000 and --one-more-day
bench_out/landing_one_more_day (that folder must have been made from the same landing folder).
"""
from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

TARGET_RATIO = 3.0
TARGET_RSS_GIB = 8.0
TARGET_RELOAD = 0.10  # nothing changed, against the full load of the same run
TARGET_RELOAD_DAY = 0.50  # one more school day of attendance


def landing_with_one_more_day(landing: Path, work: Path) -> Path:
    """A copy of the landing folder where attendance_daily.csv has one more school day: the
    students present on its last day, on the next weekday (other files are hard links)."""
    import duckdb

    folder = work / "landing_one_more_day"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for path in landing.iterdir():
        if path.name != "attendance_daily.csv":
            (folder / path.name).hardlink_to(path)
    target = folder / "attendance_daily.csv"
    shutil.copyfile(landing / "attendance_daily.csv", target)
    with duckdb.connect() as con:
        rows = con.execute(
            """WITH days AS (SELECT * FROM read_csv($path, all_varchar = true)),
                    last AS (SELECT max(calendar_date::DATE) AS day FROM days),
                    next AS (SELECT CASE dayofweek(day) WHEN 5 THEN day + 3 WHEN 6 THEN day + 2
                                     ELSE day + 1 END AS day FROM last)
               SELECT student_id, school_id, strftime((SELECT day FROM next), '%Y-%m-%d'), status
               FROM days WHERE calendar_date::DATE = (SELECT day FROM last)""",
            {"path": str(landing / "attendance_daily.csv")},
        ).fetchall()
    with target.open("a", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return folder


def phase_floor(landing: Path, work: Path) -> dict:
    import duckdb

    db = work / "floor.duckdb"
    db.unlink(missing_ok=True)
    rows = 0
    with duckdb.connect(str(db)) as con:
        for path in sorted(landing.glob("*.csv")):
            con.execute(f"CREATE TABLE \"{path.stem}\" AS SELECT * FROM read_csv('{path}')")
            rows += con.execute(f'SELECT count(*) FROM "{path.stem}"').fetchone()[0]
    return {"rows": rows}


def phase_load(landing: Path, work: Path, fresh: bool, groups: list[str] | None = None) -> dict:
    from pipelines.run_load import run_load

    warehouse = work / "warehouse.duckdb"
    if fresh:
        for old in work.glob("warehouse.duckdb*"):
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    outcome = run_load(landing, warehouse, progress=False, groups=groups)
    return {
        "rows": sum(q["rows_read"] for q in outcome.quality),
        "loaded": sum(q["rows_loaded"] for q in outcome.quality),
        "quarantined": sum(q["rows_quarantined"] for q in outcome.quality),
        "errors": outcome.errors,
        "statuses": {s: sum(q["status"] == s for q in outcome.quality) for s in {q["status"] for q in outcome.quality}},
    }


def run_phase(name: str, landing: Path, work: Path) -> dict:
    """Run one phase in a child process; return its result, wall time and peak RSS."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--landing", str(landing), "--work", str(work)],
        capture_output=True, text=True, check=False,
    )
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{child.stderr[-3000:]}")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    result["seconds"] = seconds
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, help="an existing landing folder (default: generate one)")
    parser.add_argument("--one-more-day", type=Path,
                        help="an existing copy of --landing whose attendance has one more day (default: make one)")
    parser.add_argument("--students", type=int, default=200_000)
    parser.add_argument("--work", type=Path, default=Path("bench_out"))
    parser.add_argument("--phase", choices=["floor", "ingest", "load", "reload", "reload+day"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)

    if args.phase:
        if args.phase == "floor":
            result = phase_floor(args.landing, args.work)
        elif args.phase == "ingest":
            result = phase_load(args.landing, args.work, fresh=True, groups=["ingest", "staging"])
        else:  # load, reload, reload+day (the landing folder given is then the one with the extra day)
            result = phase_load(args.landing, args.work, fresh=args.phase == "load")
        result["peak_rss_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(json.dumps(result))
        return

    landing = args.landing
    if landing is None:
        landing = args.work / f"landing_{args.students}"
        if not (landing / "attendance_daily.csv").exists():
            print(f"generating {args.students:,} students into {landing} ...", file=sys.stderr)
            subprocess.run(
                [sys.executable, "-m", "pipelines", "generate", "--out", str(landing),
                 "--students", str(args.students), "--years", "1", "--end-year", "2026"],  # a whole year
                check=True,
            )
    size = sum(p.stat().st_size for p in landing.glob("*.csv")) / 2**30
    print(f"landing: {landing} ({size:.2f} GiB of CSV)")
    if args.one_more_day and not (args.one_more_day / "attendance_daily.csv").exists():
        raise SystemExit(f"bench_load: no attendance_daily.csv in {args.one_more_day}")

    phases = {name: run_phase(name, landing, args.work) for name in ("floor", "ingest", "load", "reload")}
    one_more_day = args.one_more_day or landing_with_one_more_day(landing, args.work)
    phases["reload+day"] = run_phase("reload+day", one_more_day, args.work)
    floor, ingest, load = phases["floor"], phases["ingest"], phases["load"]

    print(f"{'phase':<12}{'seconds':>10}{'rows/s':>14}{'peak RSS GiB':>14}{'x floor':>9}{'x load':>8}")
    for name, r in phases.items():
        print(f"{name:<12}{r['seconds']:>10.1f}{r['rows'] / r['seconds']:>14,.0f}{r['peak_rss_gib']:>14.2f}"
              f"{r['seconds'] / floor['seconds']:>9.2f}{r['seconds'] / load['seconds']:>8.2f}")
    ratio = ingest["seconds"] / floor["seconds"]
    reload_ratio = phases["reload"]["seconds"] / load["seconds"]
    day_ratio = phases["reload+day"]["seconds"] / load["seconds"]
    print(f"rows read {load['rows']:,}: loaded {load['loaded']:,}, quarantined {load['quarantined']:,}")
    print(f"ingest/floor ratio {ratio:.2f} (target <= {TARGET_RATIO})")
    print(f"load/floor ratio   {load['seconds'] / floor['seconds']:.2f} (with every mart)")
    peak = max(r["peak_rss_gib"] for name, r in phases.items() if name != "floor")
    print(f"peak RSS           {peak:.2f} GiB (target <= {TARGET_RSS_GIB})")
    print(f"reload, nothing changed / load            {reload_ratio:.2f} (target <= {TARGET_RELOAD})")
    print(f"reload, attendance_daily +1 day / load    {day_ratio:.2f} (target <= {TARGET_RELOAD_DAY})")
    for name in ("reload", "reload+day"):
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in sorted(phases[name]["statuses"].items())))
    for name, r in phases.items():
        if r.get("errors"):
            print(f"{name} reported: " + "; ".join(r["errors"]))
    ok = (ratio <= TARGET_RATIO and peak <= TARGET_RSS_GIB and reload_ratio <= TARGET_RELOAD
          and day_ratio <= TARGET_RELOAD_DAY)
    print("PASS" if ok else "MISS")


if __name__ == "__main__":
    main()
