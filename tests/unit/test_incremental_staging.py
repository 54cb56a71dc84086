"""Staging tables rebuild only when their SQL or an input's data version changed; the quality
report names the upstream file that stopped a file."""
import duckdb

from assets.ingest.quality_report import not_run_reason
from assets.staging.build import SQL_DIR, build, tables_read
from assets.warehouse import stamp_data_version
from data_contracts.contract import load_contracts


def test_the_tables_a_staging_sql_reads():
    sql = (SQL_DIR / "org_hierarchy.sql").read_text()
    assert tables_read(sql, "staging.org_hierarchy") == [
        "staging.departments", "staging.districts", "staging.plcs", "staging.schools", "staging.sections",
    ]
    view = 'CREATE OR REPLACE VIEW staging."plcs" AS SELECT "plc_id" FROM raw."plcs"'
    assert tables_read(view, "staging.plcs") == ["raw.plcs"]


def test_a_staging_table_is_rebuilt_only_when_an_input_or_its_sql_changes():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA staging; CREATE TABLE raw.t AS SELECT 1 AS a")
    stamp_data_version(con, "raw.t", "file-1")
    sql = "CREATE OR REPLACE TABLE staging.t AS SELECT a FROM raw.t"
    first, rebuilt = build(con, "staging.t", sql)
    assert rebuilt
    assert build(con, "staging.t", sql) == (first, False)

    con.execute("INSERT INTO raw.t VALUES (2)")  # a new load of the file: a new version
    stamp_data_version(con, "raw.t", "file-2")
    second, rebuilt = build(con, "staging.t", sql)
    assert rebuilt and second != first
    assert con.execute("SELECT count(*) FROM staging.t").fetchone()[0] == 2
    assert build(con, "staging.t", sql + " WHERE a > 1")[1]  # new SQL, same inputs


def test_not_run_names_the_first_upstream_file_that_stopped_it():
    contracts = load_contracts()
    rejected = {"status": "rejected", "message": "schools.csv: line 1: missing required columns", "checks": []}
    loaded = {"status": "loaded", "message": None, "checks": [{"success": True}]}
    # attendance_daily needs schools and students (foreign keys)
    upstream, message = not_run_reason(contracts["attendance_daily"], contracts, {"schools": rejected})
    assert upstream == "schools"
    assert message == "not run: it needs schools, which was rejected: schools.csv: line 1: missing required columns"
    upstream, message = not_run_reason(contracts["attendance_daily"], contracts, {"schools": loaded})
    assert (upstream, message) == ("students", "not run: it needs students, which did not run")
    upstream, _ = not_run_reason(contracts["districts"], contracts, {})
    assert upstream is None
