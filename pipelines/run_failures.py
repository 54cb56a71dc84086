"""Failed runs, recorded beside the warehouse so `alignboard quality` can show them.

A failed run may hold no warehouse lock and must not touch the warehouse itself, so failures go
to a small JSON-lines file: `<warehouse>.failures.jsonl`.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

from assets.warehouse import MEMORY_LIMIT, TEMP_LIMIT


def failures_path(warehouse_path: str | Path) -> Path:
    return Path(f"{warehouse_path}.failures.jsonl")


def record_failure(warehouse_path: str | Path, run_id: str, job: str, message: str) -> None:
    path = failures_path(warehouse_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {
        "run_id": run_id,
        "job": job,
        "message": message.strip().splitlines()[0][:500] if message.strip() else "run failed",
        "failed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    with path.open("a") as handle:
        handle.write(json.dumps(entry) + "\n")


def recent_failures(warehouse_path: str | Path, limit: int = 5) -> list[dict]:
    path = failures_path(warehouse_path)
    if not path.exists():
        return []
    entries = []
    for line in path.read_text().splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a torn last line from a killed writer
    return entries[-limit:]


def root_cause(error) -> str:
    """The first line of the innermost exception of a Dagster error: the user's problem, not
    Dagster's wrapper around it."""
    if error is None:
        return "unknown error"
    while error.cause is not None:
        error = error.cause
    line = error.message.strip().splitlines()[0]
    # Dagster prefixes exceptions with their qualified class name: the text says it all
    line = re.sub(r"^(assets|pipelines|data_contracts|_duckdb)\.[\w.]+: ", "", line)
    if line.startswith("Out of Memory Error: "):  # DuckDB could not spill: say which knobs there are
        line = (f"DuckDB ran out of memory ({MEMORY_LIMIT}) and of disk to spill to "
                f"({TEMP_LIMIT or 'the free space'}); free disk space beside the warehouse or raise "
                "ALIGNBOARD_MEMORY_LIMIT or ALIGNBOARD_TEMP_LIMIT, then load again")
    return line


def failure_lines(events) -> list[str]:
    """One line per cause of a run's failure, from its Dagster events (a run's result or its event
    log): the steps each cause failed, or the run's own error. A blocking check that failed is left
    out: its file's quality row says why."""
    lines, failed_steps, resources = [], {}, []  # cause -> the steps it failed, so one cause is one line
    for event in events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            if error is not None and error.cls_name == "DagsterAssetCheckFailedError":
                continue
            failed_steps.setdefault(root_cause(error), []).append(event.step_key)
        if event.event_type == dg.DagsterEventType.RESOURCE_INIT_FAILURE:  # e.g. a damaged warehouse
            resources.append(root_cause(event.engine_event_data.error))
        if event.event_type == dg.DagsterEventType.RUN_FAILURE and not failed_steps:
            error = event.event_specific_data.error if event.event_specific_data else None
            if resources:
                lines.append(f"load failed: {resources[0]}")
            elif error is None or "DagsterAssetCheckFailedError" not in root_cause(error):
                lines.append(f"load failed: {root_cause(error)}")
    lines += [f"{'step' if len(steps) == 1 else 'steps'} {', '.join(steps)} failed: {cause}"
              for cause, steps in failed_steps.items()]
    return lines
