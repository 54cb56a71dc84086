"""The asset graph tells the truth: every asset names one warehouse table or view, and every
table or view of a loaded warehouse is an asset's, one to one."""
from __future__ import annotations

import duckdb
import pytest


pytestmark = pytest.mark.integration


def test_asset_keys_and_warehouse_tables_match_one_to_one(clean_load):
    from pipelines.definitions import defs

    warehouse = clean_load  # one `alignboard load` of the clean folder (tests/conftest.py)

    keys = [key.path for key in defs.resolve_asset_graph().get_all_asset_keys()]
    assert all(len(path) == 2 for path in keys), "an asset key is schema/table"
    assets = {".".join(path) for path in keys}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_catalog = current_database()"
            ).fetchall()
        }
    assert sorted(tables - assets) == [], "tables no asset owns"
    assert sorted(assets - tables) == [], "assets without their table"
    # the landing files: a raw, a quarantine and a staging table each (here 4 files present and
    # the others missing, which still get their empty tables)
    from data_contracts.contract import load_contracts

    for file in load_contracts():
        assert {f"raw.{file}", f"quarantine.{file}", f"staging.{file}"} <= tables
