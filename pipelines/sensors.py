"""Sensors: new or changed landing files trigger a load; failed runs are recorded."""
import hashlib
import json
import time
from pathlib import Path

import dagster as dg

from assets import warehouse
from assets.resources import LandingResource
from pipelines.run_failures import record_failure, root_cause
from pipelines.schedules import nightly_load

SETTLE_SECONDS = 60  # a file modified more recently may still be being copied in


def landing_fingerprint(folder: Path) -> dict[str, list[int]]:
    """name -> [size, mtime_ns] for every landing file in the folder."""
    files = sorted(p for p in folder.glob("*") if p.suffix in (".csv", ".parquet", ".xlsx") and p.is_file())
    return {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in files}


def decide_landing_run(fingerprint: dict, cursor: str | None, now: float) -> tuple[str | None, list[str]]:
    """(run key, changed files) when the folder changed and has settled; (None, reason) otherwise."""
    if not fingerprint:
        return None, ["the landing folder is empty"]
    newest = max(mtime for _, mtime in fingerprint.values()) / 1e9
    if now - newest < SETTLE_SECONDS:
        return None, ["files are still being written"]
    previous = json.loads(cursor) if cursor else {}
    changed = sorted(name for name, stat in fingerprint.items() if previous.get(name) != stat)
    if not changed:
        return None, ["no new or changed files"]
    return hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()[:16], changed


@dg.sensor(job=nightly_load, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def landing_folder_sensor(context: dg.SensorEvaluationContext, landing: LandingResource):
    fingerprint = landing_fingerprint(Path(landing.path))
    run_key, detail = decide_landing_run(fingerprint, context.cursor, time.time())
    if run_key is None:
        return dg.SkipReason(detail[0])
    context.update_cursor(json.dumps(fingerprint, sort_keys=True))
    return dg.RunRequest(run_key=run_key, tags={"alignboard/changed_files": ",".join(detail)[:200]})


@dg.run_failure_sensor(default_status=dg.DefaultSensorStatus.RUNNING)
def record_run_failure(context: dg.RunFailureSensorContext):
    data = context.failure_event.event_specific_data
    message = root_cause(data.error) if data is not None and data.error else context.failure_event.message
    record_failure(warehouse.default_path(), context.dagster_run.run_id, context.dagster_run.job_name, message)
