"""The nightly load job and its schedule (time and timezone from the environment)."""
import os

import dagster as dg

nightly_load = dg.define_asset_job(
    "nightly_load",
    selection=dg.AssetSelection.all(),
    description="Load every landing file, check it, and rebuild staging and marts.",
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_load_schedule",
    job=nightly_load,
    cron_schedule=os.environ.get("ALIGNBOARD_LOAD_CRON", "0 2 * * *"),
    execution_timezone=os.environ.get("ALIGNBOARD_TIMEZONE", "America/Chicago"),
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
