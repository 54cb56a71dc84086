"""Run the whole asset graph in process, for `alignboard load`, cron users and tests."""
from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from assets import warehouse
from assets.resources import REFUSED
from pipelines.run_failures import failure_lines

WAREHOUSE_TAG = "alignboard/warehouse"  # the warehouse a run loaded, for the run-status sensors


@dataclass
class LoadOutcome:
    run_id: str
    quality: list[dict]  # this run's mart.data_quality rows
    errors: list[str]  # one line each: rejected files, failed steps

    @property
    def success(self) -> bool:
        return not self.errors


class InstanceError(Exception):
    """$DAGSTER_HOME is set but holds no usable Dagster instance; the message is one line."""


def dagster_instance() -> dg.DagsterInstance:
    """The persistent instance of $DAGSTER_HOME when it is set, so the Dagster UI (and the
    daemon's run-status sensors: alerts) see loads started from the command line; otherwise a
    throwaway one."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        return dg.DagsterInstance.ephemeral()
    if not Path(home).is_dir():
        raise InstanceError(f"DAGSTER_HOME={home} is not a folder; create it or run `alignboard serve --home {home}` once")
    try:
        return dg.DagsterInstance.get()
    except Exception as error:  # a bad dagster.yaml: Dagster's own message, first line
        raise InstanceError(f"DAGSTER_HOME={home}: {str(error).strip().splitlines()[0]}") from None


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
    with dagster_instance() as instance:  # a bad $DAGSTER_HOME says so before the graph is built
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
            instance=instance,
            raise_on_error=False,
            tags={WAREHOUSE_TAG: str(Path(warehouse_path).resolve()), "alignboard/started_by": "alignboard load"},
        )
    errors = failure_lines(result.all_events)
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
