"""Nightly reloads redo only what changed: the marts keep what their unchanged inputs gave.

The hand-built district's staging tables are stamped with data versions as the ingest stamps
them; a rebuild then recomputes only the metric families that read a changed table, and the
result equals a full rebuild."""
import pytest

from assets.metrics.catalog import load_catalog, with_overrides
from assets.metrics.engine import build_metric_values
from assets.metrics.needs import build_needs_assessment, update_needs_assessment
from assets.metrics.scorecard import build_scorecard, update_scorecard
from assets.warehouse import data_version, existing_tables, stamp_data_version
from tests.unit.metrics_fixture import AS_OF, cell, district

MARTS = ("mart.metric_values", "mart.metric_value_counts", "mart.metric_catalog", "mart.scorecard",
         "mart.needs_assessment")
ATTENDANCE = {"attendance_rate", "chronic_absence_rate"}


def _stamp_staging(con, version="v1"):
    for table in sorted(existing_tables(con)):
        if table.startswith("staging."):
            stamp_data_version(con, table, version)


def _reload(con, catalog, incremental=True):
    summary = build_metric_values(con, catalog, as_of=AS_OF, incremental=incremental)
    return summary, update_scorecard(con), update_needs_assessment(con, catalog)


def _contents(con):
    return {table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in MARTS}


@pytest.fixture()
def loaded():
    con = district()
    _stamp_staging(con)
    catalog = load_catalog(config_path="")
    summary, card, needs = _reload(con, catalog)
    assert card.rebuilt and needs.rebuilt and summary.kept == []
    return con, catalog, summary


def test_a_reload_with_nothing_changed_recomputes_nothing(loaded):
    con, catalog, first = loaded
    versions = {table: data_version(con, table) for table in MARTS}
    assert all(versions.values())
    summary, card, needs = _reload(con, catalog)
    assert summary.metrics == {}
    assert set(summary.kept) == set(first.metrics)  # every family computed the first time
    assert (card.rebuilt, needs.rebuilt) == (False, False)
    assert {table: data_version(con, table) for table in MARTS} == versions


def test_a_changed_attendance_table_recomputes_only_the_attendance_families(loaded):
    con, catalog, first = loaded
    before = dict(con.execute("SELECT metric_id, count(*) FROM mart.metric_values GROUP BY ALL").fetchall())
    # s04 misses one day at S1: S1 attendance goes from 57 to 56 attended days of 65
    con.execute("UPDATE staging.attendance_daily SET status = 'unexcused_absence' "
                "WHERE student_id = 's04' AND calendar_date = DATE '2025-09-01'")
    stamp_data_version(con, "staging.attendance_daily", "v2")
    summary, card, needs = _reload(con, catalog)
    assert set(summary.metrics) == ATTENDANCE
    assert set(summary.kept) == set(first.metrics) - ATTENDANCE
    assert (card.rebuilt, needs.rebuilt) == (True, True)
    assert cell(con, "attendance_rate", "school", "S1") == (56, 65, 56 / 65)
    # s04 now has 1 absent day of 10 (10%, chronic): S1 chronic s01, s04, s05 of 5 eligible
    assert cell(con, "chronic_absence_rate", "school", "S1") == (3, 5, 0.6)
    after = dict(con.execute("SELECT metric_id, count(*) FROM mart.metric_values GROUP BY ALL").fetchall())
    assert after == before  # the same cells, none lost or doubled

    incremental = _contents(con)
    build_metric_values(con, catalog, as_of=AS_OF, incremental=False)
    build_scorecard(con, catalog)
    build_needs_assessment(con, catalog)
    assert _contents(con) == incremental


def test_an_input_without_a_version_counts_as_changed(loaded):
    con, catalog, _ = loaded
    con.execute("CREATE OR REPLACE TABLE staging.attendance_daily AS SELECT * FROM staging.attendance_daily")
    assert data_version(con, "staging.attendance_daily") is None
    first, _, _ = _reload(con, catalog)
    version = data_version(con, "mart.metric_values")
    second, card, _ = _reload(con, catalog)
    assert set(first.metrics) == set(second.metrics) == ATTENDANCE
    assert card.rebuilt  # its input got a fresh version
    assert data_version(con, "mart.metric_values") != version


def test_a_changed_minimum_n_recomputes_that_family_only(loaded):
    con, catalog, _ = loaded
    changed = with_overrides(catalog, oss_rate={"min_n": 3})
    summary, _, _ = _reload(con, changed)
    assert set(summary.metrics) == {"oss_rate"}
    # C1 has 4 students (1 suspended) and C2 3 (none): under 10 both are too small; under 3 C2's
    # 0 of 3 is bottom coded and C1 is hidden as its complement (C1 + C2 make up P1)
    reasons = dict(con.execute(
        "SELECT entity_id, suppression_reason FROM mart.metric_values WHERE metric_id = 'oss_rate' "
        "AND level = 'classroom' AND entity_id IN ('C1', 'C2') AND student_group = 'all' AND period = 'year'").fetchall())
    assert reasons == {"C1": "complementary", "C2": "bottom_coded"}


def test_a_target_change_keeps_the_values_but_rebuilds_the_scorecard(loaded):
    con, catalog, _ = loaded
    metric = catalog.metrics["attendance_rate"]
    summary, card, _ = _reload(con, with_overrides(catalog, attendance_rate={"target": metric.target - 0.1}))
    assert summary.metrics == {}
    assert card.rebuilt
    assert con.execute("SELECT target FROM mart.metric_catalog WHERE metric_key = 'attendance_rate'"
                       ).fetchone() == (pytest.approx(0.85),)
