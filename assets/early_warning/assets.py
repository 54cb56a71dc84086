"""The Dagster asset of mart.early_warning: a thin wrapper over indicators.py, rebuilt only when
its inputs, its code, the thresholds or the month ends reached changed (assets/versions.py)."""
import datetime as dt
from pathlib import Path

import dagster as dg

from assets import versions
from assets.early_warning import indicators as ews
from assets.early_warning.settings import load_settings
from assets.resources import WarehouseResource
from assets.results import mart_result

CODE = versions.code_version(Path(ews.__file__), Path(ews.__file__).with_name("settings.py"),
                             *(ews.HERE / name for name in ews.SQL_FILES))


@dg.asset(
    key=dg.AssetKey(["mart", "early_warning"]),
    group_name="marts",
    deps=[dg.AssetKey(table.split(".")) for table in ews.INPUTS],
    kinds={"duckdb"},
    code_version=CODE,
    description="Early-warning indicators (attendance, behavior, course, assessment) and active supports of "
                "every student at each month end of the school years loaded.",
)
def early_warning(warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings, metric = load_settings(), ews.absence_metric()
    with warehouse.connect() as con:
        dates = ews.month_ends(con, dt.date.today())
        update = versions.rebuild_if_changed(
            con, [ews.TABLE], ews.INPUTS, CODE, lambda: ews.build_early_warning(con, dates, settings),
            settings.model_dump(mode="json"), metric.fingerprint(), metric.parameters, dates)
        return mart_result(con, update, ews.TABLE, month_ends=len(dates))


early_warning_assets = [early_warning]
