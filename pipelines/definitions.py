"""The Dagster code location: every asset, check, job, schedule and sensor of Alignboard."""
import dagster as dg

from assets.early_warning.assets import early_warning_assets
from assets.equity.assets import disparity_assets
from assets.ingest.assets import ingest_assets, ingest_checks
from assets.metrics.assets import metric_assets
from assets.plans.assets import plan_assets
from assets.metrics.dashboard_assets import dashboard_assets
from assets.staging.assets import staging_assets
from assets.resources import LandingResource, WarehouseResource, default_landing
from pipelines.schedules import nightly_load, nightly_schedule
from pipelines.sensors import alert_on_failed_load, alert_on_loaded_with_problems, landing_folder_sensor, record_run_failure
from assets.warehouse import default_path

all_assets = [*ingest_assets, *staging_assets, *metric_assets, *dashboard_assets, *disparity_assets, *plan_assets,
              *early_warning_assets]
all_checks = [*ingest_checks]


def make_definitions(warehouse_path: str, landing_path: str, loggers: dict | None = None) -> dg.Definitions:
    return dg.Definitions(
        assets=all_assets,
        asset_checks=all_checks,
        jobs=[nightly_load],
        schedules=[nightly_schedule],
        sensors=[landing_folder_sensor, record_run_failure, alert_on_failed_load, alert_on_loaded_with_problems],
        resources={
            "warehouse": WarehouseResource(path=warehouse_path),
            "landing": LandingResource(path=landing_path),
        },
        # DuckDB allows one writer per file: every step of a run shares one process and connection.
        executor=dg.in_process_executor,
        loggers=loggers,
    )


defs = make_definitions(default_path(), default_landing())
