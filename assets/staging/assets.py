"""Staging tables built from several landing files: student groups and the org hierarchy."""
from pathlib import Path

import dagster as dg

from assets.resources import WarehouseResource

SQL_DIR = Path(__file__).parent


def _sql_asset(name: str, deps: list[str], description: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["staging", name],
        group_name="staging",
        deps=[dg.AssetKey(["staging", d]) for d in deps],
        description=description,
        kinds={"duckdb"},
    )
    def staging_table(warehouse: WarehouseResource):
        with warehouse.connect() as con:
            con.execute((SQL_DIR / f"{name}.sql").read_text())
            rows = con.execute(f"SELECT count(*) FROM staging.{name}").fetchone()[0]
        return dg.MaterializeResult(metadata={"rows": rows})

    return staging_table


staging_assets = [
    _sql_asset("student_groups", ["students"], "Every student group each student belongs to, per year."),
    _sql_asset(
        "org_hierarchy",
        ["districts", "departments", "schools", "plcs", "sections"],
        "District -> department | school -> PLC -> classroom.",
    ),
]
