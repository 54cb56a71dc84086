"""The nightly load job and its schedule (time and timezone from the environment)."""
import os
from collections.abc import Mapping

import dagster as dg

nightly_load = dg.define_asset_job(
    "nightly_load",
    selection=dg.AssetSelection.all(),
    description="Load every landing file, check it, and rebuild staging and marts.",
)


def nightly_schedule_from(environ: Mapping[str, str]) -> dg.ScheduleDefinition:
    """$ALIGNBOARD_LOAD_CRON (default 02:00 every day) in $ALIGNBOARD_TIMEZONE (default Chicago)."""
    return dg.ScheduleDefinition(
        name="nightly_load_schedule",
        job=nightly_load,
        cron_schedule=environ.get("ALIGNBOARD_LOAD_CRON", "0 2 * * *"),
        execution_timezone=environ.get("ALIGNBOARD_TIMEZONE", "America/Chicago"),
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )


nightly_schedule = nightly_schedule_from(os.environ)
