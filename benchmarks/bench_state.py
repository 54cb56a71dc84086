"""State benchmark: `alignboard state load` of 1, 2, 4 and 8 districts on one local Dask cluster.

One run generates 8 districts of the same size (25,000 students, one school year by default) and
loads the first 1, 2, 4 and 8 of them, each size its own `alignboard state load --workers 2` in
its own process and output root. For each size it prints the wall time, seconds per 100,000
landing rows read, the roll-up's share of the run, and the peak resident memory of each worker
process. Targets: seconds per row at 8 districts within 1.25x of 1 district; the roll-up under 5%
of the run. Last, a projection (not a measurement) for a state of 1,000 districts and 6 million
students on W workers, with its assumptions.

    python benchmarks/bench_state.py [--students 25000] [--sizes 1,2,4,8] [--workers 2] [--years 1]
                                     [--work DIR] [--project-workers 16,64,256]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

TARGET_ROW_RATIO = 1.25
TARGET_ROLLUP_SHARE = 0.05
PROJECT_DISTRICTS = 1000
PROJECT_STUDENTS = 6_000_000


def generate(work: Path, districts: int, students: int, years: int) -> Path:
    from sample_data.state_landing import generate_state

    root = work / f"landing_{districts}x{students}_{years}y"
    if (root / ".complete").exists():
        print(f"reusing {root}", flush=True)
        return root
    shutil.rmtree(root, ignore_errors=True)
    t0 = time.perf_counter()
    generate_state(root, districts=districts, students=students, seed=42, years=years, end_year=2026, size_spread=0.0,
                   log=lambda m: print(m, flush=True))
    (root / ".complete").touch()
    print(f"generated {districts} districts of {students:,} students in {time.perf_counter() - t0:.0f} s", flush=True)
    return root


def subset(root: Path, work: Path, k: int) -> Path:
    """A landing root holding the first k district folders (symlinks)."""
    folder = work / f"root_{k}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for district in sorted(p for p in root.iterdir() if p.is_dir())[:k]:
        (folder / district.name).symlink_to(district.resolve())
    return folder


def measure(root: Path, out: Path, workers: int) -> dict:
    import dagster as dg
    import duckdb

    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pipelines", "state", "load", "--landing-root", str(root),
                           "--out", str(out), "--workers", str(workers)], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"bench_state: state load of {root} failed:\n{proc.stderr[-3000:]}")
    with duckdb.connect(str(out / "state.duckdb"), read_only=True) as con:
        rows_read, = con.execute("SELECT sum(rows_read) FROM mart.state_districts").fetchone()
        peaks = dict(con.execute("SELECT worker, max(worker_peak_rss) FROM mart.state_districts GROUP BY ALL").fetchall())
        load_seconds, = con.execute("SELECT sum(seconds) FROM mart.state_districts").fetchone()
    with dg.DagsterInstance.local_temp(tempdir=str(out / ".dagster")) as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["state", "warehouse"]))
        rollup = event.asset_materialization.metadata["seconds"].value
    return {"wall": wall, "rows": int(rows_read), "rollup": float(rollup), "peaks": peaks,
            "load_seconds": float(load_seconds)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=25_000)
    parser.add_argument("--sizes", default="1,2,4,8")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("bench_out/state"))
    parser.add_argument("--project-workers", default="16,64,256")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    args.work.mkdir(parents=True, exist_ok=True)
    root = generate(args.work, max(sizes), args.students, args.years)
    results = {}
    for k in sizes:
        print(f"loading {k} district(s) on {args.workers} workers ...", flush=True)
        results[k] = measure(subset(root, args.work, k), args.work / f"out_{k}", args.workers)
        r = results[k]
        print(f"  {r['wall']:.1f} s, {r['rows']:,} rows, roll-up {r['rollup']:.1f} s", flush=True)

    print(f"\nstate load, {args.students:,} students x {args.years} year(s) per district, {args.workers} workers")
    print(f"{'districts':>9} {'rows read':>12} {'wall s':>8} {'s/100k rows':>12} {'vs 1':>6} {'roll-up s':>9} "
          f"{'roll-up %':>9}  peak RSS per worker (GiB)")
    base = None
    for k in sizes:
        r = results[k]
        per = r["wall"] / (r["rows"] / 1e5)
        base = base or per
        peaks = ", ".join(f"{v / 2**30:.2f}" for v in sorted(r["peaks"].values(), reverse=True))
        print(f"{k:>9} {r['rows']:>12,} {r['wall']:>8.1f} {per:>12.3f} {per / base:>6.2f} {r['rollup']:>9.1f} "
              f"{r['rollup'] / r['wall']:>9.1%}  {peaks}")
    first, last = results[sizes[0]], results[sizes[-1]]
    ratio = (last["wall"] / last["rows"]) / (first["wall"] / first["rows"])
    share = last["rollup"] / last["wall"]
    print(f"target: s/row at {sizes[-1]} districts / at {sizes[0]} <= {TARGET_ROW_RATIO}: {ratio:.2f} "
          f"({'met' if ratio <= TARGET_ROW_RATIO else 'NOT met'}); roll-up share at {sizes[-1]} districts < "
          f"{TARGET_ROLLUP_SHARE:.0%}: {share:.1%} ({'met' if share < TARGET_ROLLUP_SHARE else 'NOT met'})")

    # Projection from the largest size: a worker-second per row of district load, and the
    # roll-up's seconds per district, both taken as constant.
    rows_per_student = last["rows"] / (sizes[-1] * args.students)
    worker_s_per_row = last["load_seconds"] / last["rows"]
    rollup_per_district = last["rollup"] / sizes[-1]
    total_rows = PROJECT_STUDENTS * rows_per_student
    print(f"\nPROJECTION (not measured) for {PROJECT_DISTRICTS:,} districts, {PROJECT_STUDENTS:,} students, "
          f"{args.years} year(s):")
    print(f"  assumes: {rows_per_student:,.0f} landing rows per student as generated here; "
          f"{worker_s_per_row * 1e5:.2f} worker-seconds per 100,000 rows (this run's district steps, one core "
          f"each); workers as fast as these and fully busy (districts >> workers); a shared file system that "
          f"keeps up; a roll-up of {rollup_per_district:.2f} s per district, linear in districts, on one process")
    for w in (int(x) for x in args.project_workers.split(",")):
        load = total_rows * worker_s_per_row / w
        rollup = rollup_per_district * PROJECT_DISTRICTS
        print(f"  W={w:>4}: load {load / 3600:6.2f} h + roll-up {rollup / 60:5.1f} min = "
              f"{(load + rollup) / 3600:6.2f} h")
    return 0


if __name__ == "__main__":
    sys.exit(main())
