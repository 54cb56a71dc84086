"""A state's load as one Dagster run on a Dask cluster (dagster-dask's executor).

The landing root holds one folder per district; each folder is a partition of the
`state/district_warehouse` asset (its materializations carry the district id) and one step of the
run: today's nightly load of that district
(pipelines/run_load.py) into <out>/districts/<id>.duckdb, published atomically with its own
quality report and last good data. dagster-dask spreads the steps of one run over the cluster's
workers, so the districts are steps of one run rather than one run per partition (which would need
an orchestrating process per district, each with a cluster client); dynamic outputs are not an
option, since the executor plans every step before the run starts. The roll-up step
(assets/state/rollup.py) waits for every district and publishes <out>/state.duckdb.

Faults: a step whose worker dies (SIGKILL, the OOM killer) is run again on a live worker by the
Dask scheduler, once (`distributed.scheduler.allowed-failures` = 1; dagster-dask reports
RetryMode.DISABLED, so Dagster's own RetryPolicy never re-runs a step there). A district's load
that fails leaves its last published warehouse as it was, and its step still succeeds: the
result says what happened, so one district never stops another.

Each worker re-imports this module (dagster-dask ships a reconstructable job), so the job is
built by `state_job(landing_root, out_dir, allow_missing)` from its arguments alone.
"""
from __future__ import annotations

import json
import logging
import os
import re
import resource
import socket
import time
from dataclasses import asdict
from pathlib import Path

import dagster as dg
from dagster_dask import dask_executor
from distributed.diagnostics.plugin import WorkerPlugin

from assets.equity.settings import load_settings
from assets.state.rollup import DistrictResult, RollupRefused, publish_state

DISTRICT_ASSET = dg.AssetKey(["state", "district_warehouse"])
STATE_ASSET = dg.AssetKey(["state", "warehouse"])
ALLOWED_FAILURES = 1  # a step whose worker died is run once more


class QuietWorkers(WorkerPlugin):
    """On every worker (and on the ones the nanny restarts): no warning per step result that
    Dask cannot size (the Dagster events a step returns)."""

    def setup(self, worker) -> None:
        logging.getLogger("distributed.sizeof").setLevel(logging.ERROR)


def district_ids(landing_root: str | Path) -> list[str]:
    """The district folders under the landing root (hidden folders left out), sorted."""
    root = Path(landing_root)
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def district_warehouse(out_dir: str | Path, district_id: str) -> Path:
    return Path(out_dir) / "districts" / f"{district_id}.duckdb"


def result_path(out_dir: str | Path, district_id: str) -> Path:
    return Path(out_dir) / "districts" / f"{district_id}.result.json"


def step_name(district_id: str) -> str:
    return "district_" + re.sub(r"[^A-Za-z0-9_]", "_", district_id)


def load_district(landing_root: str | Path, out_dir: str | Path, district_id: str, state_run_id: str) -> DistrictResult:
    """Run the nightly load of one district; never raises for the district's data or its load
    failing (the result says so), and records the result beside its warehouse for the CLI."""
    from pipelines.run_load import run_load

    warehouse = district_warehouse(out_dir, district_id)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    try:
        outcome = run_load(Path(landing_root) / district_id, warehouse, progress=False)
        quality, errors, run_id = outcome.quality, outcome.errors, outcome.run_id
    except Exception as exc:  # noqa: BLE001 - any failure of one district is that district's result
        quality, errors, run_id = [], [f"load failed: {type(exc).__name__}: {exc}"], None
    if not quality:
        status = "missing"  # nothing published by this run: the last good warehouse (if any) stays
    else:
        status = "rejected" if errors else "loaded"
    result = DistrictResult(
        district_id, str(warehouse), status, "; ".join(errors), run_id,
        sum(q["rows_read"] or 0 for q in quality), sum(q["rows_loaded"] or 0 for q in quality),
        sum(q["rows_quarantined"] or 0 for q in quality), time.perf_counter() - t0,
        f"{socket.gethostname()}:{os.getpid()}", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    path = result_path(out_dir, district_id)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"state_run_id": state_run_id, **asdict(result)}), encoding="utf-8")
    os.replace(tmp, path)
    return result


def read_result(out_dir: str | Path, district_id: str, state_run_id: str) -> DistrictResult | None:
    """The result a district's step of this state run recorded, or None (not finished, or lost)."""
    try:
        data = json.loads(result_path(out_dir, district_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.pop("state_run_id", None) != state_run_id:
        return None
    return DistrictResult(**data)


def _district_op(landing_root: str, out_dir: str, district_id: str) -> dg.OpDefinition:
    @dg.op(name=step_name(district_id), out=dg.Out(dg.Nothing),
           description=f"The nightly load of district {district_id}.")
    def load(context):
        result = load_district(landing_root, out_dir, district_id, context.run_id)
        if result.published:
            context.log_event(dg.AssetMaterialization(
                DISTRICT_ASSET, partition=district_id,
                metadata={"status": result.status, "rows_read": result.rows_read, "warehouse": result.warehouse,
                          "seconds": round(result.seconds, 1)}))
        context.log.info(f"{district_id}: {result.status} in {result.seconds:.1f} s"
                         + (f" ({result.message})" if result.message else ""))

    return load


def district_results(out_dir: str | Path, ids: list[str], state_run_id: str) -> list[DistrictResult]:
    """Every district's result of this state run; a district whose step left none is missing."""
    results = []
    for d in ids:
        result = read_result(out_dir, d, state_run_id)
        results.append(result or DistrictResult(d, str(district_warehouse(out_dir, d)), "missing",
                                                "its step did not finish"))
    return results


def _rollup_op(out_dir: str, ids: list[str], allow_missing: bool) -> dg.OpDefinition:
    # The steps' results come through the shared output root, not Dagster inputs: dagster-dask
    # runs each step with the plan's initial state, in which a fan-in input has no outputs yet.
    @dg.op(name="state_rollup", ins={"districts": dg.In(dg.Nothing)},
           description="Every district's warehouse combined into the state warehouse.")
    def state_rollup(context):
        results = district_results(out_dir, ids, context.run_id)
        try:
            rolled = publish_state(Path(out_dir) / "state.duckdb", results, load_settings(), allow_missing,
                                   temp_dir=Path(out_dir) / ".tmp")
        except RollupRefused as exc:
            raise dg.Failure(str(exc)) from None
        context.log_event(dg.AssetMaterialization(STATE_ASSET, metadata={
            "districts": len(rolled.districts), "missing": ", ".join(rolled.missing) or "none",
            "seconds": round(rolled.seconds, 1)}))

    return state_rollup


@dg.logger
def quiet_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    """The CLI prints its own lines; Dagster's events stay in the instance's event log."""
    log = logging.getLogger("alignboard.state.quiet")
    log.addHandler(logging.NullHandler())
    log.propagate = False
    return log


def state_job(landing_root: str, out_dir: str, allow_missing: bool = False) -> dg.JobDefinition:
    """The job of one landing root: a step per district folder, then the roll-up."""
    ids = district_ids(landing_root)
    ops = [_district_op(landing_root, out_dir, d) for d in ids]
    rollup = _rollup_op(out_dir, ids, allow_missing)

    @dg.job(name="state_load", executor_def=dask_executor, logger_defs={"quiet": quiet_logger},
            description=f"Load {len(ids)} districts on a Dask cluster, then roll up the state.")
    def job():
        rollup([op() for op in ops])

    return job


def reconstructable_state_job(landing_root: str, out_dir: str, allow_missing: bool = False):
    """The job as dagster-dask ships it to workers: rebuilt there from these arguments."""
    return dg.build_reconstructable_job(
        "pipelines.state_job", "state_job",
        reconstructable_args=(str(landing_root), str(out_dir), allow_missing))
