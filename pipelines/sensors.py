"""Sensors: new or changed landing files trigger a load; failed runs are recorded."""
import hashlib
import json
import os
import time
from pathlib import Path

import dagster as dg

from assets import warehouse
from assets.resources import LandingResource
from pipelines.alerts.channels import deliver
from pipelines.alerts.message import compose, file_problems
from pipelines.alerts.settings import load_alert_settings
from pipelines.run_failures import failure_lines, record_failure, root_cause
from pipelines.run_load import WAREHOUSE_TAG, this_run_quality
from pipelines.schedules import nightly_load

# A file modified more recently than this may still be being copied in.
SETTLE_SECONDS = int(os.environ.get("ALIGNBOARD_SETTLE_SECONDS", "60"))
# How often the daemon looks at the landing folder.
SENSOR_SECONDS = int(os.environ.get("ALIGNBOARD_SENSOR_SECONDS", "60"))


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


@dg.sensor(job=nightly_load, minimum_interval_seconds=SENSOR_SECONDS, default_status=dg.DefaultSensorStatus.RUNNING)
def landing_folder_sensor(context: dg.SensorEvaluationContext, landing: LandingResource):
    fingerprint = landing_fingerprint(Path(landing.path))
    run_key, detail = decide_landing_run(fingerprint, context.cursor, time.time())
    if run_key is None:
        return dg.SkipReason(detail[0])
    context.update_cursor(json.dumps(fingerprint, sort_keys=True))
    return dg.RunRequest(run_key=run_key, tags={"alignboard/changed_files": ",".join(detail)[:200]})


def run_warehouse(run: dg.DagsterRun) -> str:
    """The warehouse a run loaded: `alignboard load` tags its runs; the daemon's use the default."""
    return run.tags.get(WAREHOUSE_TAG) or warehouse.default_path()


@dg.run_failure_sensor(default_status=dg.DefaultSensorStatus.RUNNING)
def record_run_failure(context: dg.RunFailureSensorContext):
    data = context.failure_event.event_specific_data
    message = root_cause(data.error) if data is not None and data.error else context.failure_event.message
    record_failure(run_warehouse(context.dagster_run), context.dagster_run.run_id, context.dagster_run.job_name, message)


def send_alert(context: dg.RunStatusSensorContext, failed: bool):
    """Tell the configured channels about a run's rejected files, files quarantined beyond the
    share and, for a failed run, why it failed. A channel that fails is logged, not retried: the
    next tick must not send the others the same alert again."""
    settings = load_alert_settings()
    if not settings.channels:
        return dg.SkipReason("no alert channel configured (alerts: in $ALIGNBOARD_CONFIG)")
    run = context.dagster_run
    path = run_warehouse(run)
    problems = file_problems(this_run_quality(path, run.run_id), settings.quarantine_share)
    failures = []
    if failed:
        events = context.instance.all_logs(
            run.run_id, of_type={dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.RUN_FAILURE})
        failures = failure_lines(entry.dagster_event for entry in events if entry.dagster_event)
    alert = compose(run.run_id, path, problems, failures)
    if alert is None:
        return dg.SkipReason(f"run {run.run_id[:8]}: nothing to report")
    errors = deliver(settings, alert)
    for error in errors:
        context.log.error(error)
    sent = [c for c in settings.channels if not any(e.startswith(c) for e in errors)]
    return dg.SkipReason(f"run {run.run_id[:8]}: alert sent by {', '.join(sent) or 'no channel'}"
                         + (f"; {'; '.join(errors)}" if errors else ""))


# Both watch every run of the instance: `alignboard load` runs have no code location of their own.
@dg.run_failure_sensor(default_status=dg.DefaultSensorStatus.RUNNING, monitor_all_code_locations=True,
                       minimum_interval_seconds=SENSOR_SECONDS)
def alert_on_failed_load(context: dg.RunFailureSensorContext):
    return send_alert(context, failed=True)


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, default_status=dg.DefaultSensorStatus.RUNNING,
                      monitor_all_code_locations=True, minimum_interval_seconds=SENSOR_SECONDS)
def alert_on_loaded_with_problems(context: dg.RunStatusSensorContext):
    return send_alert(context, failed=False)
