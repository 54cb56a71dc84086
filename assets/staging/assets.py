"""Dagster assets for the staging tables: staging/<file> for every landing file (its own SQL in
assets/staging/<file>.sql, else a view of its contract columns), and the tables built from
several files (student groups, the org hierarchy). Each asset's upstream assets are the tables
its SQL reads, and it rebuilds only when they or the SQL changed (build.py)."""
import dagster as dg

from assets.resources import WarehouseResource
from assets.staging.build import SQL_DIR, build, staging_sql, tables_read
from assets.versions import version_of
from data_contracts.contract import load_contracts


def _staging_asset(name: str, sql: str, description: str) -> dg.AssetsDefinition:
    table = f"staging.{name}"

    @dg.asset(
        key=["staging", name],
        group_name="staging",
        deps=[dg.AssetKey(t.split(".")) for t in tables_read(sql, table)],
        description=description,
        code_version=version_of(sql),
        kinds={"duckdb"},
    )
    def staging_table(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            version, rebuilt = build(con, table, sql)
            metadata = {"rebuilt": rebuilt}
            if rebuilt:
                metadata["rows"] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        context.log.info(f"{table}: {'rebuilt' if rebuilt else 'unchanged'}")
        return dg.MaterializeResult(data_version=dg.DataVersion(version), metadata=metadata)

    return staging_table


def _sql_file(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


staging_assets = [
    *(
        _staging_asset(c.file, staging_sql(c), f"{c.file}, conformed (see docs/warehouse.md).")
        for c in load_contracts().values()
    ),
    _staging_asset("student_groups", _sql_file("student_groups"), "Every student group each student belongs to, per year."),
    _staging_asset("org_hierarchy", _sql_file("org_hierarchy"), "District -> department | school -> PLC -> classroom."),
]
