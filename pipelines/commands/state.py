"""`alignboard state load|disparity`: a whole state, one district per Dask task, and its roll-up.

  state load --landing-root ROOT --out DIR [--workers N | --scheduler ADDRESS] [--allow-missing]
      every district folder under ROOT loaded into DIR/districts/<id>.duckdb on a Dask cluster
      (a local one of N worker processes, or the scheduler at ADDRESS), then DIR/state.duckdb;
      a line per district as it finishes, then a summary table. Exit 0 when every district
      loaded and the state was published, 1 otherwise, 2 usage.
  state disparity --out DIR [--year Y]
      the state's determinations: every district's groups over the threshold (34 CFR 300.647)
      with the state's counts as the comparison, and which are significantly disproportionate.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
import uuid
from pathlib import Path

HELP = "Load a state's districts on a Dask cluster and roll them up; print its determinations."
RUN_TAG = "alignboard/state_run"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="state_command", required=True, metavar="{load,disparity}")
    load = sub.add_parser("load", help="every district of a landing root, then the state warehouse")
    load.add_argument("--landing-root", required=True, type=Path, metavar="ROOT",
                      help="one folder of landing files per district, named by district id")
    load.add_argument("--out", required=True, type=Path, metavar="DIR",
                      help="output root every worker can write: districts/<id>.duckdb and state.duckdb")
    where = load.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=2, metavar="N",
                       help="worker processes of a local Dask cluster (default 2)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="an existing Dask scheduler, e.g. tcp://host:8786")
    load.add_argument("--allow-missing", action="store_true",
                      help="publish the state from the districts that loaded when some did not (named in the result)")
    disparity = sub.add_parser("disparity", help="the state's significant-disproportionality determinations")
    disparity.add_argument("--out", required=True, type=Path, metavar="DIR", help="the output root of `state load`")
    disparity.add_argument("--year", type=int, metavar="Y", help="school year (default: the latest)")


def _usage(message: str) -> int:
    print(f"alignboard state: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    if args.state_command == "disparity":
        return _disparity(args)
    if not args.landing_root.is_dir():
        return _usage(f"landing root {args.landing_root} does not exist")
    if args.scheduler is None and args.workers < 1:
        return _usage(f"--workers must be at least 1 (got {args.workers})")
    from pipelines.state_job import district_ids

    ids = district_ids(args.landing_root)
    if not ids:
        return _usage(f"landing root {args.landing_root} has no district folders")
    try:
        (args.out / "districts").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _usage(f"cannot write to {args.out}: {exc.strerror or exc}")
    return _load(args, ids)


def _instance(out: Path):
    """$DAGSTER_HOME's instance when set (a real cluster: storage every worker reaches), else one
    under the output root, which every worker sees too."""
    import dagster as dg

    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    (out / ".dagster").mkdir(exist_ok=True)
    return dg.DagsterInstance.local_temp(tempdir=str(out / ".dagster"))


def _cluster(args: argparse.Namespace):
    """(address, cluster or None): a local cluster of --workers processes, or --scheduler."""
    if args.scheduler:
        return args.scheduler, None
    import dask
    from dask.distributed import LocalCluster

    from pipelines.state_job import ALLOWED_FAILURES

    logging.getLogger("distributed").setLevel(logging.ERROR)  # the nanny's notes on stopping workers
    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
    return cluster.scheduler_address, cluster


def _load(args: argparse.Namespace, ids: list[str]) -> int:
    from assets.equity.settings import load_settings
    from assets.state.rollup import RollupRefused, publish_state
    from pipelines.state_job import district_results, step_name

    out = args.out.resolve()
    landing_root = args.landing_root.resolve()
    token = uuid.uuid4().hex
    t0 = time.perf_counter()
    with _instance(out) as instance:
        address, cluster = _cluster(args)
        where = f"{args.workers} local worker processes" if cluster is not None else address
        print(f"Loading {len(ids)} districts of {landing_root} into {out} on {where} ...", file=sys.stderr)
        try:
            try:
                _prepare_workers(address)
            except (OSError, TimeoutError) as exc:
                print(f"alignboard state load: cannot reach the Dask scheduler at {address}: {exc}", file=sys.stderr)
                return 1
            result, error, run_id, seen = _execute(instance, address, landing_root, out, args.allow_missing, ids, token)
        finally:
            if cluster is not None:
                cluster.close()
        problems = _run_problems(result, error, step_name)
    results = {r.district_id: r for r in district_results(out, ids, run_id)}
    lost = [d for d in ids if d not in seen and results[d].status == "missing"]
    for d in lost:
        results[d].message = problems.get(step_name(d)) or problems.get("run") or results[d].message
        print(f"  {d}: missing: {results[d].message}", file=sys.stderr)
    rollup_error = problems.get("state_rollup")
    published = result is not None and result.success
    if lost and args.allow_missing and not published and rollup_error is None:
        # the run was cut short before its roll-up step (a district's worker lost twice)
        try:
            publish_state(out / "state.duckdb", list(results.values()), load_settings(), True, out / ".tmp")
            published = True
        except RollupRefused as exc:
            rollup_error = str(exc)
    elif not published and rollup_error is None and lost:
        rollup_error = (f"state warehouse not published: {len(lost)} of {len(ids)} districts have no warehouse "
                        f"from this run ({', '.join(lost)}); --allow-missing publishes the others")
    _summary(ids, results)
    seconds = time.perf_counter() - t0
    if published:
        missing = [d for d in ids if not results[d].published]
        note = f" without {', '.join(missing)}" if missing else ""
        print(f"state warehouse {out / 'state.duckdb'} published{note} ({seconds:.1f} s)", file=sys.stderr)
    else:
        print(f"alignboard state load: {rollup_error or problems.get('run') or 'the state was not published'}",
              file=sys.stderr)
    for d in ids:
        if results[d].message and results[d].published:
            print(f"alignboard state load: {d}: {results[d].message}", file=sys.stderr)
    clean = published and all(results[d].status == "loaded" for d in ids)
    return 0 if clean else 1


def _prepare_workers(address: str) -> None:
    from dask.distributed import Client

    from pipelines.state_job import QuietWorkers

    with Client(address, timeout="30s") as client:
        client.register_plugin(QuietWorkers(), name="alignboard-quiet")


def _execute(instance, address: str, landing_root: Path, out: Path, allow_missing: bool, ids: list[str], token: str):
    """Run the state job (in a thread) and print each district's line as its step records it."""
    import dagster as dg

    from pipelines.state_job import read_result, reconstructable_state_job

    outcome: dict = {}

    def execute():
        try:
            outcome["result"] = dg.execute_job(
                reconstructable_state_job(str(landing_root), str(out), allow_missing), instance,
                run_config={"execution": {"config": {"cluster": {"existing": {"address": address}}}},
                            "loggers": {"quiet": {}}},
                tags={RUN_TAG: token})
        except Exception as exc:  # noqa: BLE001 - reported as the run's failure
            outcome["error"] = exc

    worker = threading.Thread(target=execute, daemon=True)
    worker.start()
    run_id, seen = None, {}
    while worker.is_alive():
        worker.join(timeout=1.0)
        if run_id is None:
            runs = instance.get_runs(filters=dg.RunsFilter(tags={RUN_TAG: token}), limit=1)
            run_id = runs[0].run_id if runs else None
        if run_id is not None:
            _progress(out, ids, run_id, seen, read_result)
    return outcome.get("result"), outcome.get("error"), run_id, seen


def _progress(out: Path, ids: list[str], run_id: str, seen: dict, read_result) -> None:
    for d in ids:
        if d in seen:
            continue
        result = read_result(out, d, run_id)
        if result is not None:
            seen[d] = result
            note = f": {result.message}" if result.message else ""
            print(f"  {d}: {result.status}, {result.rows_read:,} rows read in {result.seconds:.1f} s "
                  f"({len(seen)}/{len(ids)}){note}", file=sys.stderr, flush=True)


def _run_problems(result, error, step_name) -> dict[str, str]:
    """step key (or 'run') -> the one-line reason it failed."""
    from pipelines.run_failures import root_cause

    problems: dict[str, str] = {}
    if error is not None:
        problems["run"] = f"{type(error).__name__}: {error}"
        return problems
    if result is None:
        return problems
    for event in result.all_events:
        if event.is_step_failure:
            problems[event.step_key] = root_cause(event.step_failure_data.error)
        elif event.is_run_failure and getattr(event.event_specific_data, "error", None) is not None:
            problems.setdefault("run", root_cause(event.event_specific_data.error))
    return problems


def _summary(ids: list[str], results: dict) -> None:
    print(f"{'district':<12} {'status':<9} {'read':>12} {'loaded':>12} {'quarantined':>12} {'seconds':>8}",
          file=sys.stderr)
    print(f"{'-' * 12} {'-' * 9} {'-' * 12} {'-' * 12} {'-' * 12} {'-' * 8}", file=sys.stderr)
    for d in ids:
        r = results[d]
        print(f"{d:<12} {r.status:<9} {r.rows_read:>12,} {r.rows_loaded:>12,} {r.rows_quarantined:>12,} "
              f"{r.seconds:>8.1f}", file=sys.stderr)


def _disparity(args: argparse.Namespace) -> int:
    import duckdb

    from assets.state.determinations import determinations

    path = args.out / "state.duckdb"
    if not path.exists():
        print(f"alignboard state disparity: {path} does not exist (run `alignboard state load` first)",
              file=sys.stderr)
        return 1
    with duckdb.connect(str(path), read_only=True) as con:
        year, rows, districts = determinations(con, args.year)
    if year is None:
        print(f"alignboard state disparity: {path} has no disparity rows"
              + (f" for {args.year}" if args.year else ""), file=sys.stderr)
        return 1
    print(f"{'district':<12} {'category':<26} {'group':<34} {'type':<4} {'ratio':>7} {'years':>5}  determination")
    for r in rows:
        determination = "significant disproportionality" if r["significant"] else "over the threshold"
        print(f"{r['lea_id']:<12} {r['category']:<26} {r['group']:<34} {r['ratio_type']:<4} {r['ratio']:>7.2f} "
              f"{r['years_over_threshold']:>5}  {determination}")
    significant = sorted({r["lea_id"] for r in rows if r["significant"]})
    print(f"{year}: {len(significant)} of {districts} districts significantly disproportionate"
          + (f" ({', '.join(significant)})" if significant else "")
          + f"; {len({r['lea_id'] for r in rows})} with a group over the threshold", file=sys.stderr)
    return 0
