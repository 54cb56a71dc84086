"""Benchmark: the metric marts against the raw-read floor, side by side in one run.

    python benchmarks/bench_metrics.py --warehouse /tmp/bench/warehouse.duckdb --landing /tmp/bench/landing

1. floor: DuckDB reads every landing file (read_csv / read_parquet, no checks) into tables of a
   scratch database file - the least any load of those files can cost.
2. marts: on a copy of the loaded warehouse, build mart.metric_values (+ counts, catalog),
   mart.scorecard and mart.needs_assessment, as the Dagster assets do, as of --as-of (default
   today). The months and years to date cost most late in a school year whose data runs to that
   day: generate a district with `--end-year` that year, then give the year's last day (for 2026,
   --as-of 2026-06-30: 12 months, 24 periods); a day of a later year measures the same marts with
   no months.
Each phase runs in its own process, so each peak RSS is that phase's own. The machines are
noisy, so the two are measured alternately (--repeat) and the ratio is of the medians.
"""
from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu_seconds() -> float:
    """User and system time of this process, every DuckDB thread included: steadier than the
    wall clock on a machine other loads share."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _connect(path: Path):
    import duckdb

    from assets.warehouse import MEMORY_LIMIT

    con = duckdb.connect(str(path))
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{path}.tmp'")
    con.execute("SET enable_progress_bar = false")
    return con


def floor_phase(landing: str, scratch: str, result: mp.Queue) -> None:
    """Read every landing file into a table, no checks."""
    import duckdb

    files = sorted(p for p in Path(landing).iterdir() if p.suffix in (".csv", ".parquet"))
    con = _connect(Path(scratch) / "floor.duckdb")
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    rows, failed_seconds = 0, 0.0
    for path in files:
        reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
        attempt = time.perf_counter()
        try:
            con.execute(f"CREATE OR REPLACE TABLE \"{path.stem}\" AS SELECT * FROM {reader}(?)", [str(path)])
        except duckdb.ConversionException:
            # a type guessed from the first rows that a later row breaks (a letter mark after
            # numbers): read as text, as bench_load does, and leave out the failed attempt
            failed_seconds += time.perf_counter() - attempt
            con.execute(f"CREATE OR REPLACE TABLE \"{path.stem}\" AS SELECT * FROM read_csv(?, all_varchar = true)",
                        [str(path)])
        rows += con.execute(f"SELECT count(*) FROM \"{path.stem}\"").fetchone()[0]
    con.execute("CHECKPOINT")
    seconds = time.perf_counter() - start - failed_seconds
    cpu = _cpu_seconds() - cpu_start
    con.close()
    result.put({"seconds": seconds, "cpu": cpu, "rows": rows, "files": len(files), "rss_mb": _peak_rss_mb()})


def marts_phase(warehouse: str, scratch: str, as_of: dt.date, result: mp.Queue) -> None:
    """Build the three metric marts on a copy of the warehouse."""
    from assets.metrics.catalog import load_catalog
    from assets.metrics.engine import build_metric_values
    from assets.metrics.needs import build_needs_assessment
    from assets.metrics.scorecard import build_scorecard

    copy = Path(scratch) / "marts.duckdb"
    shutil.copyfile(warehouse, copy)
    catalog = load_catalog()
    con = _connect(copy)
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    summary = build_metric_values(con, catalog, as_of=as_of, incremental=False)
    values_done = time.perf_counter()
    build_scorecard(con, catalog)
    build_needs_assessment(con, catalog)
    con.execute("CHECKPOINT")
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu_start
    con.close()
    result.put({"seconds": seconds, "cpu": cpu, "metric_values_seconds": values_done - start, "rows": summary.rows,
                "suppressed": summary.suppressed, "skipped": sorted(summary.skipped), "rss_mb": _peak_rss_mb()})


def _run(target, *args) -> dict:
    queue: mp.Queue = mp.Queue()
    process = mp.get_context("fork").Process(target=target, args=(*args, queue))
    process.start()
    process.join()  # the outcome is a few numbers: the child's queue flushes without a reader
    if process.exitcode:
        raise SystemExit(f"bench_metrics: {target.__name__} failed (exit {process.exitcode})")
    return queue.get(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", required=True, help="a loaded warehouse (staging tables present)")
    parser.add_argument("--landing", required=True, help="the landing folder it was loaded from")
    parser.add_argument("--repeat", type=int, default=1, help="alternate the two phases this many times")
    parser.add_argument("--scratch", help="folder for the scratch files (default: a temporary folder)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today(), metavar="YYYY-MM-DD",
                        help="the day the marts are built as of (default today)")
    args = parser.parse_args(argv)
    for path, what in ((Path(args.warehouse), "warehouse"), (Path(args.landing), "landing folder")):
        if not path.exists():
            print(f"bench_metrics: {what} not found: {path}", file=sys.stderr)
            return 1

    floors, marts = [], []
    with tempfile.TemporaryDirectory(dir=args.scratch) as scratch:
        for round_number in range(1, args.repeat + 1):
            floors.append(_run(floor_phase, args.landing, scratch))
            marts.append(_run(marts_phase, args.warehouse, scratch, args.as_of))
            print(f"round {round_number}: floor {floors[-1]['seconds']:.2f} s (cpu {floors[-1]['cpu']:.2f} s), "
                  f"marts {marts[-1]['seconds']:.2f} s (cpu {marts[-1]['cpu']:.2f} s)", flush=True)
    floor_s = statistics.median(f["seconds"] for f in floors)
    marts_s = statistics.median(m["seconds"] for m in marts)
    last_floor, last_marts = floors[-1], marts[-1]
    print(f"raw-read floor : {floor_s:8.2f} s  ({last_floor['files']} files, {last_floor['rows']:,} rows; "
          f"peak RSS {last_floor['rss_mb']:,.0f} MB)")
    print(f"metric marts   : {marts_s:8.2f} s  (as of {args.as_of}; "
          f"metric_values {last_marts['metric_values_seconds']:.2f} s, "
          f"{last_marts['rows']:,} values, {last_marts['suppressed']:,} suppressed; "
          f"peak RSS {last_marts['rss_mb']:,.0f} MB)")
    print(f"ratio marts / floor: {marts_s / floor_s:.2f}")
    floor_cpu = statistics.median(f["cpu"] for f in floors)
    marts_cpu = statistics.median(m["cpu"] for m in marts)
    print(f"cpu seconds (medians, all threads): floor {floor_cpu:.2f}, marts {marts_cpu:.2f}, "
          f"ratio {marts_cpu / floor_cpu:.2f}")
    if last_marts["skipped"]:
        print(f"metrics without their staging tables: {', '.join(last_marts['skipped'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
