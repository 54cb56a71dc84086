"""Data versions stamped on tables: read back, cleared by a rebuild, absent for unknown tables."""
import duckdb

from assets.warehouse import data_version, stamp_data_version


def test_a_stamp_is_read_back_from_a_table_and_a_view():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE TABLE raw.t (a INTEGER); CREATE VIEW raw.v AS SELECT 1 AS a")
    stamp_data_version(con, "raw.t", "sha:it's")
    stamp_data_version(con, "raw.v", "v2")
    assert data_version(con, "raw.t") == "sha:it's"
    assert data_version(con, "raw.v") == "v2"


def test_rebuilding_a_table_clears_its_version_and_unknown_tables_have_none():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE TABLE raw.t (a INTEGER)")
    assert data_version(con, "raw.t") is None
    stamp_data_version(con, "raw.t", "v1")
    con.execute("CREATE OR REPLACE TABLE raw.t AS SELECT 2 AS a")
    assert data_version(con, "raw.t") is None
    assert data_version(con, "raw.missing") is None
