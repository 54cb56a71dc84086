"""The state's roll-up: every district's warehouse combined into one state warehouse.

The state warehouse has the mart tables of a district's warehouse and its organisation
(staging.org_hierarchy, districts, schools, departments, plcs, sections) holding every district's
rows, plus the state's own:
  mart.disparity_counts  every district's and school's counts as its district counted them, and
                         the state's (lea_level 'state'), each student once by student id
  mart.disparity         recomputed for every LEA with the state's counts as the comparison of
                         the alternate risk ratio (34 CFR 300.647(b)(3)-(4))
  mart.metric_values     the state's values (level 'state') from the districts' numerators and
                         denominators (state_metric_values.sql), and a district's months of the
                         year in progress its own load had not reached yet (months.py)
  mart.scorecard,        the state's scorecard and its cells (state_scorecard.sql), above its
  mart.metric_cells      districts (their parent in staging.org_hierarchy is the state)
  mart.group_codes       the student groups of the state's values (the students stay behind)
  mart.data_dates        each school year's newest data date of all its districts' (data_dates.py)
  mart.state_districts   what happened to each district this run (loaded, or missing and why)
Student rows (mart.early_warning, rows of level 'student') stay in the districts' warehouses.
History tables (mart.data_quality, mart.gx_results, mart.acceptances) gain a district_id column;
the metric catalog, the same for every district, is kept once. The file is written beside the
published one and replaced with one atomic rename. No Dagster here: pipelines/state_job.py is
the thin wrapper.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from assets.equity import engine as disparity_engine
from assets.equity.settings import Settings
from assets.metrics import sqltext
from assets.metrics.entity_cells import CELLS_SELECT
from assets.state import data_dates, months
from data_contracts.row_rules import literal, quote
from data_contracts.vocabulary import STATE

SQL_DIR = Path(__file__).parent
HISTORY = ("mart.data_quality", "mart.gx_results", "mart.acceptances")
ONCE = ("mart.metric_catalog",)
REBUILT = ("mart.disparity",)
# the organisation the dashboard's entity lists read; student-level staging tables stay in each
# district's warehouse
COPIED_STAGING = ("staging.org_hierarchy", "staging.districts", "staging.schools", "staging.departments",
                  "staging.plcs", "staging.sections")
# the staging columns the state's own disparity counts read (assets/equity/counts_from_warehouse.sql)
STUDENT_COLUMNS = {
    "students": "student_id, school_id, school_year, grade_level, birth_date, race_ethnicity",
    "schools": "school_id, district_id",
    "special_education": "student_id, school_year, disability_category, educational_environment",
    "discipline_incidents": "student_id, school_year, action, days_removed",
    "mtss_interventions": "student_id, school_year, area, tier",
}
BATCH = 32  # district warehouses attached at once
# Student rows stay in the districts' warehouses, with the student-level staging tables they go
# with: a table of them is not copied, and the rows of level 'student' of the others (a
# student's metric values, a student's goals) are left out.
STUDENT_TABLES = ("mart.early_warning",)


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
                  allow_missing: bool = False, temp_dir: str | Path | None = None,
                  as_of: dt.date | None = None) -> RollupResult:
    """Build the state warehouse from the districts' published warehouses and publish it at
    out_path; refuse (RollupRefused) when a district is missing, unless allow_missing. `as_of`
    (default today) is the day of the districts' loads, for the months the roll-up computes
    (months.py)."""
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
            rollup(con, present, settings, as_of or dt.date.today())
            record_districts(con, results)
        os.replace(build, out_path)
    finally:
        build.unlink(missing_ok=True)
    return RollupResult(str(out_path), [r.district_id for r in present], [r.district_id for r in missing],
                        time.perf_counter() - t0)


def rollup(con: duckdb.DuckDBPyConnection, districts: list[DistrictResult], settings: Settings,
           as_of: dt.date) -> None:
    """Fill the (empty) state warehouse on `con` from the districts' warehouses, BATCH at a time:
    their mart and organisation tables into `con`, the columns of their students that the
    disparity counts read into a separate in-memory database (student rows never enter the
    state warehouse); then the months of the year in progress a district's load has not
    computed yet, as of `as_of` (months.py)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS mart")
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    con.execute("SET preserve_insertion_order = false")  # tables are copied whole: any order will do
    [(temp_dir,)] = con.execute("SELECT current_setting('temp_directory')").fetchall()
    last_months: dict[str, dt.date | None] = {}
    dates: list[tuple[int, dt.date]] = []
    with duckdb.connect() as work:
        if temp_dir:
            work.execute(f"SET temp_directory = {literal(temp_dir)}")
        for first in range(0, len(districts), BATCH):
            batch = [(f"district_{first + k}", d) for k, d in enumerate(districts[first:first + BATCH])]
            for db in (con, work):
                for alias, district in batch:
                    db.execute(f"ATTACH {literal(district.warehouse)} AS {alias} (READ_ONLY)")
            try:
                _copy_tables(con, batch, first == 0)
                _copy_students(work, batch, first == 0)
                for alias, district in batch:
                    last_months[district.district_id] = months.last_month_end(con, f"{alias}.mart.metric_values")
                    dates += data_dates.district_data_dates(con, alias, as_of)
            finally:
                for db in (con, work):
                    for alias, _ in batch:
                        db.execute(f"DETACH {alias}")
        work.execute(sql_text("state_students.sql"))
        disparity_engine.build_counts(work, "state_counts", settings, levels=("state",))
        cursor = work.execute("SELECT * FROM state_counts")
        names = [d[0] for d in cursor.description]
        state_counts = cursor.fetchall()  # a few hundred rows a year: years x categories x groups
    _add_lacking_months(con, districts, last_months, as_of, temp_dir)
    data_dates.write_data_dates(con, dates)
    con.execute(
        "INSERT INTO staging.org_hierarchy BY NAME SELECT ? AS entity_level, ? AS entity_id, "
        "'State' AS entity_name", [STATE, STATE])
    con.execute(sql_text("state_metric_values.sql"))
    con.execute(sqltext.read("scorecard_status.sql"))
    sqltext.run_script(con, sql_text("state_scorecard.sql"))
    con.execute("INSERT INTO mart.metric_cells BY NAME" + CELLS_SELECT + "AND v.level = 'state'\n"
                "ORDER BY v.student_group, v.metric_id, v.school_year, v.period")
    con.execute("DELETE FROM mart.disparity_counts WHERE lea_level = 'state'")  # a district that held several
    columns = ", ".join(quote(n) for n in names)
    con.executemany(f"INSERT INTO mart.disparity_counts ({columns}) VALUES ({', '.join('?' * len(names))})",
                    state_counts)
    disparity_engine.build_disparity(con, "mart.disparity_counts", "staging.state_counts", "mart.disparity", settings)


def _add_lacking_months(con: duckdb.DuckDBPyConnection, districts: list[DistrictResult],
                        last_months: dict[str, dt.date | None], as_of: dt.date, temp_dir: str) -> None:
    """Each district's months (alone and to date) of the year in progress up to the newest any
    district's load computed, when its own load stopped at an earlier month."""
    state_last = max((day for day in last_months.values() if day is not None), default=None)
    if state_last is None:
        return  # no year in progress
    for district in districts:
        lacking = months.lacking(last_months[district.district_id], state_last)
        if not lacking:
            continue
        cells = months.compute_months(district.warehouse, lacking, as_of, temp_dir or None)
        con.register("district_months", cells)
        try:
            sqltext.run_script(con, sql_text("district_months.sql"))
        finally:
            con.unregister("district_months")


def _tables(con: duckdb.DuckDBPyConnection, alias: str) -> list[tuple[str, bool]]:
    """(name, whether it has a level column) of the warehouse's tables the state copies."""
    rows = con.execute(
        "SELECT schema_name || '.' || table_name AS name, bool_or(column_name = 'level') FROM duckdb_columns() "
        "WHERE database_name = ? AND (schema_name = 'mart' OR name IN ?) GROUP BY ALL ORDER BY 1",
        [alias, list(COPIED_STAGING)]).fetchall()
    return [(name, has_level) for name, has_level in rows if name not in REBUILT + STUDENT_TABLES]


def _copy_tables(con: duckdb.DuckDBPyConnection, batch: list[tuple[str, DistrictResult]], first: bool) -> None:
    """Each mart and organisation table of the batch's warehouses: one statement per table."""
    sources: dict[str, list[str]] = {}
    for alias, district in batch:
        for name, has_level in _tables(con, alias):
            schema, table = name.split(".")
            extra = f", {literal(district.district_id)} AS district_id" if name in HISTORY else ""
            where = " WHERE level IS DISTINCT FROM 'student'" if has_level else ""
            sources.setdefault(name, []).append(
                f"SELECT *{extra} FROM {alias}.{quote(schema)}.{quote(table)}{where}")
    con.execute("BEGIN")
    for name, selects in sources.items():
        if name in ONCE:
            if not first:
                continue
            selects = selects[:1]
        union = " UNION ALL BY NAME ".join(selects)
        target = ".".join(quote(part) for part in name.split("."))
        if first:
            con.execute(f"CREATE TABLE {target} AS {union}")
        else:
            con.execute(f"INSERT INTO {target} BY NAME {union}")
    con.execute("COMMIT")


def _copy_students(work: duckdb.DuckDBPyConnection, batch: list[tuple[str, DistrictResult]], first: bool) -> None:
    """The columns the state's disparity counts read, with the district each row came from."""
    for name, columns in STUDENT_COLUMNS.items():
        union = " UNION ALL ".join(
            f"SELECT {columns}, {literal(district.district_id)} AS rollup_district FROM {alias}.staging.{quote(name)}"
            for alias, district in batch)
        work.execute(f"CREATE TABLE rollup_{name} AS {union}" if first else f"INSERT INTO rollup_{name} {union}")


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
