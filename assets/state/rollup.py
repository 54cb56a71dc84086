"""The state's roll-up: every district's warehouse combined into one state warehouse.

The state warehouse has the mart tables of a district's warehouse and its organisation
(staging.org_hierarchy, districts, schools, departments, plcs, sections) holding every district's
rows, plus the state's own:
  mart.disparity_counts  every district's and school's counts as its district counted them, and
                         the state's (lea_level 'state'), each student once by student id
  mart.disparity         recomputed for every LEA with the state's counts as the comparison of
                         the alternate risk ratio (34 CFR 300.647(b)(3)-(4))
  mart.metric_values     the state's values (level 'state') from the districts' numerators and
                         denominators (state_metric_values.sql)
  mart.state_districts   what happened to each district this run (loaded, or missing and why)
History tables (mart.data_quality, mart.gx_results, mart.acceptances) gain a district_id column;
the metric catalog, the same for every district, is kept once. The file is written beside the
published one and replaced with one atomic rename. No Dagster here: pipelines/state_job.py is
the thin wrapper.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from assets.equity import engine as disparity_engine
from assets.equity.settings import Settings
from data_contracts.row_rules import literal, quote

SQL_DIR = Path(__file__).parent
HISTORY = ("mart.data_quality", "mart.gx_results", "mart.acceptances")
ONCE = ("mart.metric_catalog",)
REBUILT = ("mart.disparity",)
# the organisation the dashboard's entity lists read; student-level staging tables stay in each
# district's warehouse
COPIED_STAGING = ("staging.org_hierarchy", "staging.districts", "staging.schools", "staging.departments",
                  "staging.plcs", "staging.sections")
# the staging tables the state's own disparity counts read (assets/equity/counts_from_warehouse.sql)
STUDENT_TABLES = ("students", "schools", "special_education", "discipline_incidents", "mtss_interventions")
STATE_ENTITY = "state"


class RollupRefused(RuntimeError):
    """The roll-up was not published; str(exc) says why (districts missing without allow_missing)."""


@dataclass
class DistrictResult:
    """One district's outcome of this run, as the state job reports it."""
    district_id: str
    warehouse: str  # its published warehouse
    status: str  # loaded, rejected (loaded, with rejected files), missing (nothing published)
    message: str = ""
    run_id: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    seconds: float = 0.0
    worker: str = ""  # host:pid of the process that loaded it
    worker_peak_rss: int = 0  # that process's peak resident memory so far, bytes

    @property
    def published(self) -> bool:
        return self.status != "missing"


@dataclass
class RollupResult:
    path: str
    districts: list[str]  # rolled up
    missing: list[str] = field(default_factory=list)
    seconds: float = 0.0


def sql_text(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def publish_state(out_path: str | Path, results: list[DistrictResult], settings: Settings,
                  allow_missing: bool = False, temp_dir: str | Path | None = None) -> RollupResult:
    """Build the state warehouse from the districts' published warehouses and publish it at
    out_path; refuse (RollupRefused) when a district is missing, unless allow_missing."""
    t0 = time.perf_counter()
    missing = [r for r in results if not r.published]
    if missing and not allow_missing:
        raise RollupRefused(f"state warehouse not published: {len(missing)} of {len(results)} districts have no "
                            f"warehouse from this run ({', '.join(r.district_id for r in missing)}); "
                            "--allow-missing publishes the others")
    present = sorted((r for r in results if r.published), key=lambda r: r.district_id)
    if not present:
        raise RollupRefused("state warehouse not published: no district has a warehouse from this run")
    out_path = Path(out_path)
    build = out_path.with_name(f".{out_path.name}.build-{os.getpid()}")
    build.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(build)) as con:
            if temp_dir is not None:
                con.execute(f"SET temp_directory = {literal(str(temp_dir))}")
            rollup(con, present, settings)
            record_districts(con, results)
        os.replace(build, out_path)
    finally:
        build.unlink(missing_ok=True)
    return RollupResult(str(out_path), [r.district_id for r in present], [r.district_id for r in missing],
                        time.perf_counter() - t0)


def rollup(con: duckdb.DuckDBPyConnection, districts: list[DistrictResult], settings: Settings) -> None:
    """Fill the (empty) state warehouse on `con` from the districts' warehouses."""
    con.execute("CREATE SCHEMA IF NOT EXISTS mart")
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    for k, district in enumerate(districts):
        alias = f"district_{k}"
        con.execute(f"ATTACH {literal(district.warehouse)} AS {alias} (READ_ONLY)")
        try:
            _copy_tables(con, alias, district.district_id, first=k == 0)
        finally:
            con.execute(f"DETACH {alias}")
    con.execute(
        "INSERT INTO staging.org_hierarchy BY NAME SELECT 'state' AS entity_level, ? AS entity_id, "
        "'State' AS entity_name", [STATE_ENTITY])
    con.execute(sql_text("state_metric_values.sql"))
    con.execute("DELETE FROM mart.disparity_counts WHERE lea_level = 'state'")  # a district that held several
    _insert_state_counts(con, districts, settings)
    disparity_engine.build_disparity(con, "mart.disparity_counts", "staging.state_counts", "mart.disparity", settings)


def _tables(con: duckdb.DuckDBPyConnection, alias: str) -> list[str]:
    rows = con.execute(
        "SELECT name FROM (SELECT schema_name || '.' || table_name AS name, schema_name, database_name "
        "FROM duckdb_tables() UNION ALL SELECT schema_name || '.' || view_name, schema_name, database_name "
        "FROM duckdb_views()) WHERE database_name = ? AND (schema_name = 'mart' OR name IN ?) ORDER BY 1",
        [alias, list(COPIED_STAGING)]).fetchall()
    return [name for (name,) in rows if name not in REBUILT]


def _copy_tables(con: duckdb.DuckDBPyConnection, alias: str, district_id: str, first: bool) -> None:
    existing = {f"{s}.{t}" for s, t in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
    for name in _tables(con, alias):
        if name in ONCE and not first:
            continue
        schema, table = name.split(".")
        source = f"{alias}.{quote(schema)}.{quote(table)}"
        extra = f", {literal(district_id)} AS district_id" if name in HISTORY else ""
        select = f"SELECT *{extra} FROM {source}"
        if name in existing:
            con.execute(f"INSERT INTO {quote(schema)}.{quote(table)} BY NAME {select}")
        else:
            con.execute(f"CREATE TABLE {quote(schema)}.{quote(table)} AS {select}")


def _insert_state_counts(con: duckdb.DuckDBPyConnection, districts: list[DistrictResult], settings: Settings) -> None:
    """The state's own rows of mart.disparity_counts, computed from every district's students in
    a separate in-memory database (student rows never enter the state warehouse)."""
    [(temp_dir,)] = con.execute("SELECT current_setting('temp_directory')").fetchall()
    with duckdb.connect() as work:
        if temp_dir:
            work.execute(f"SET temp_directory = {literal(temp_dir)}")
        for k, district in enumerate(districts):
            alias = f"district_{k}"
            work.execute(f"ATTACH {literal(district.warehouse)} AS {alias} (READ_ONLY)")
            try:
                for name in STUDENT_TABLES:
                    select = (f"SELECT *, {literal(district.district_id)} AS rollup_district "
                              f"FROM {alias}.staging.{quote(name)}")
                    if k == 0:
                        work.execute(f"CREATE TABLE rollup_{name} AS {select}")
                    else:
                        work.execute(f"INSERT INTO rollup_{name} BY NAME {select}")
            finally:
                work.execute(f"DETACH {alias}")
        work.execute(sql_text("state_students.sql"))
        disparity_engine.build_counts(work, "state_counts", settings, levels=("state",))
        cursor = work.execute("SELECT * FROM state_counts")
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()  # a few hundred rows a year: years x categories x groups
    columns = ", ".join(quote(n) for n in names)
    con.executemany(f"INSERT INTO mart.disparity_counts ({columns}) VALUES ({', '.join('?' * len(names))})", rows)


def record_districts(con: duckdb.DuckDBPyConnection, results: list[DistrictResult]) -> None:
    """mart.state_districts: each district's outcome of the run that built this warehouse."""
    con.execute(
        "CREATE OR REPLACE TABLE mart.state_districts (district_id VARCHAR, status VARCHAR, message VARCHAR, "
        "run_id VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT, seconds DOUBLE, "
        "worker VARCHAR, worker_peak_rss BIGINT, rolled_up BOOLEAN)")
    con.executemany(
        "INSERT INTO mart.state_districts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[r.district_id, r.status, r.message, r.run_id, r.rows_read, r.rows_loaded, r.rows_quarantined,
          round(r.seconds, 3), r.worker, r.worker_peak_rss, r.published]
         for r in sorted(results, key=lambda r: r.district_id)])
