"""The mart assets materialize exactly the tables they name, stamp them with the data version
they report to Dagster, and skip the work when their inputs are unchanged."""
import dagster as dg
import duckdb
import pytest

from assets.metrics.assets import metric_assets
from assets.resources import WarehouseResource
from assets.warehouse import data_version, existing_tables, stamp_data_version
from tests.unit.metrics_fixture import build_district

pytestmark = pytest.mark.integration
MARTS = {"mart.metric_values", "mart.metric_value_counts", "mart.metric_catalog", "mart.scorecard",
         "mart.needs_assessment"}


def _materialize(path):
    result = dg.materialize(metric_assets, resources={"warehouse": WarehouseResource(path=str(path))})
    assert result.success
    return {".".join(e.asset_key.path): e.materialization for e in result.get_asset_materialization_events()}


def test_mart_assets_name_their_tables_and_skip_unchanged_inputs(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        build_district(con, with_plans=True)
        for table in existing_tables(con):
            stamp_data_version(con, table, "v1")
    first = _materialize(path)
    with duckdb.connect(str(path), read_only=True) as con:
        assert {t for t in existing_tables(con) if t.startswith("mart.")} == MARTS == set(first)
        stamped = {table: data_version(con, table) for table in MARTS}
    assert {t: m.tags["dagster/data_version"] for t, m in first.items()} == stamped

    second = _materialize(path)
    assert {t: m.tags["dagster/data_version"] for t, m in second.items()} == stamped
    assert second["mart.metric_values"].metadata["recomputed_cells_by_metric"].value == {}
    assert second["mart.scorecard"].metadata["rebuilt"].value is False
    assert second["mart.needs_assessment"].metadata["rebuilt"].value is False
