"""Run the whole asset graph in process, for `alignboard load`, cron users and tests."""
from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from assets import warehouse
from assets.resources import REFUSED
from pipelines.run_failures import root_cause


@dataclass
class LoadOutcome:
    run_id: str
    quality: list[dict]  # this run's mart.data_quality rows
    errors: list[str]  # one line each: rejected files, failed steps

    @property
    def success(self) -> bool:
        return not self.errors


class _OurLinesOnly(logging.Filter):
    """Keep the assets' own progress lines; drop Dagster's event chatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        meta = getattr(record, "dagster_meta", {}) or {}
        return meta.get("dagster_event") is None and record.levelno >= logging.INFO


class _MessageOnly(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        meta = getattr(record, "dagster_meta", {}) or {}
        return "  " + str(meta.get("orig_message", record.getMessage()))


@dg.logger
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    log = logging.getLogger("alignboard.progress")
    log.setLevel(logging.INFO)
    log.propagate = False
    log.handlers.clear()  # one handler per run, on the stderr of this run
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_OurLinesOnly())
    handler.setFormatter(_MessageOnly())
    log.addHandler(handler)
    return log


@dg.logger
def quiet_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    log = logging.getLogger("alignboard.quiet")
    log.addHandler(logging.NullHandler())
    log.propagate = False
    return log


def run_load(
    landing_dir: Path,
    warehouse_path: Path,
    progress: bool = True,
    groups: list[str] | None = None,
    files: list[str] | None = None,
) -> LoadOutcome:
    """Materialize the whole graph (or only the asset groups named, or only the load and staging
    assets of the landing files named, with the quality report) into the warehouse."""
    from pipelines.definitions import make_definitions

    # Our logger replaces Dagster's console logger, which prints every engine event.
    logger = {"progress": progress_logger} if progress else {"quiet": quiet_logger}
    defs = make_definitions(str(warehouse_path), str(landing_dir), loggers=logger)
    selection = None
    if groups:
        selection = list(dg.AssetSelection.groups(*groups).resolve(defs.resolve_asset_graph()))
    if files:
        selection = [dg.AssetKey([stage, f]) for f in files for stage in ("raw", "quarantine", "staging")]
        selection += [dg.AssetKey(["mart", t]) for t in ("data_quality", "gx_results", "acceptances")]
    result = defs.resolve_job_def("nightly_load").execute_in_process(
        run_config={"loggers": {name: {} for name in logger}},
        asset_selection=selection,
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    errors, failed_steps = [], {}  # cause -> the steps it failed, so one cause is one line
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            if error is not None and error.cls_name == "DagsterAssetCheckFailedError":
                continue  # a blocking check that failed: its file's quality row says why
            failed_steps.setdefault(root_cause(error), []).append(event.step_key)
        if event.event_type == dg.DagsterEventType.RUN_FAILURE and not failed_steps:
            error = event.event_specific_data.error
            if error is None or "DagsterAssetCheckFailedError" not in root_cause(error):
                errors.append(f"load failed: {root_cause(error)}")  # (a failed check says why itself)
    errors += [f"{'step' if len(steps) == 1 else 'steps'} {', '.join(steps)} failed: {cause}"
               for cause, steps in failed_steps.items()]
    refused = REFUSED.pop(warehouse.resolved(warehouse_path), None)
    if refused:
        return LoadOutcome(result.run_id, [], [refused])
    quality = this_run_quality(warehouse_path, result.run_id)
    errors = [f"{q['message']}" for q in quality if q["status"] == "rejected" or q["checks_failed"]] + errors
    return LoadOutcome(result.run_id, quality, errors)


def this_run_quality(warehouse_path: Path, run_id: str) -> list[dict]:
    if not Path(warehouse_path).exists():
        return []
    try:
        con = warehouse.open_read_only(warehouse_path)
    except warehouse.WarehouseError:  # damaged: the load's own error says so
        return []
    with con:
        cursor = con.execute("SELECT * FROM mart.data_quality WHERE run_id = ? ORDER BY file", [run_id])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
