"""A whole state on a real Dask cluster: `alignboard state load` of a generated 3-district state
equals one ordinary load of the three districts' files together, for the finished years and for
the months of a year in progress; a SIGKILLed worker's step is run once more and never spoils the
district's last good warehouse; a rejected file in one district is reported and the others are
not touched."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.equity.settings import load_settings
from assets.metrics import periods as metric_periods
from assets.metrics.engine import build_metric_values
from assets.metrics.entity_cells import build_metric_cells
from assets.metrics.scorecard import build_scorecard
from assets.state.rollup import DistrictResult, publish_state
from assets.warehouse import existing_tables
from pipelines.cli import main
from pipelines.state_job import ALLOWED_FAILURES, step_name
from sample_data.org import DISTRICT_ID
from sample_data.state_landing import generate_state

pytestmark = pytest.mark.integration

DISTRICTS = 3
STUDENTS = 120  # per district: sizes vary around it (lognormal), at least 50
ATTENDED = ("present", "tardy", "early_departure")
# staff.csv has no district_id: district-office staff (no school, no department) of a warehouse
# holding several districts belong to none of them, while each district's own load counts its
# own; the families of professional learning differ at the district level for that reason alone
OFFICE_STAFF = ("split_part(metric_id, '.', 1) NOT IN ('mandatory_pd_hours', 'mandatory_pd_hours_by_setting', "
                "'pd_feedback_favorable', 'pd_feedback_response_rate')")


@pytest.fixture(scope="module")
def state_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("state") / "landing"
    generate_state(root, districts=DISTRICTS, students=STUDENTS, seed=11, years=2, end_year=2026)
    return root


@pytest.fixture(scope="module")
def loaded_state(state_root, tmp_path_factory) -> Path:
    """The output root of one `alignboard state load --workers 2` of the state (read, never write)."""
    out = tmp_path_factory.mktemp("state_out")
    assert main(["state", "load", "--landing-root", str(state_root), "--out", str(out), "--workers", "2"]) == 0
    return out


@pytest.fixture(scope="module")
def combined(state_root, tmp_path_factory) -> Path:
    """One ordinary `alignboard load` of every district's files in one landing folder."""
    folder = tmp_path_factory.mktemp("combined")
    landing = folder / "landing"
    landing.mkdir()
    districts = sorted(p for p in state_root.iterdir() if p.is_dir())
    for name in sorted(p.name for p in districts[0].glob("*.csv")):
        with open(landing / name, "wb") as out:
            for k, district in enumerate(districts):
                lines = (district / name).read_bytes().splitlines(keepends=True)
                out.writelines(lines if k == 0 else lines[1:])
    warehouse = folder / "warehouse.duckdb"
    assert main(["load", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    return warehouse


@pytest.fixture(scope="module")
def cluster():
    """A local Dask cluster of two worker processes that a test can kill workers of."""
    import dask
    from dask.distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
        local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with Client(local.scheduler_address) as client:
        yield local.scheduler_address, client
    local.close()


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def copy_output(loaded_state: Path, out: Path) -> Path:
    """A copy of the loaded state's warehouses (last night's), without its Dagster instance."""
    shutil.copytree(loaded_state, out, ignore=shutil.ignore_patterns(".dagster", ".tmp"))
    return out


def test_the_state_warehouse_equals_one_load_of_every_districts_files(loaded_state, combined):
    state = loaded_state / "state.duckdb"
    for table in ("mart.disparity_counts", "mart.disparity"):
        ours = rows(state, f"SELECT * FROM {table} ORDER BY ALL")
        theirs = rows(combined, f"SELECT * FROM {table} ORDER BY ALL")
        assert len(ours) == len(theirs) > 0
        assert ours == theirs, table
    # every district's rows are there, and the state's own
    assert {r[0] for r in rows(state, "SELECT DISTINCT lea_level FROM mart.disparity")} == {"district", "school", "state"}
    assert len(rows(state, "SELECT DISTINCT lea_id FROM mart.disparity WHERE lea_level = 'district'")) == DISTRICTS
    # the ARR of a district compares with the state's counts: the comparison of any ARR row is
    # the state's count and population of every other group (300.647(b)(3)), read off the state rows
    arr = rows(state, "SELECT school_year, category, \"group\", comparison_count, comparison_population "
                      "FROM mart.disparity WHERE ratio_type = 'ARR' AND lea_level = 'district'")
    for year, category, group, c, n2 in arr:
        [(expected_c, expected_n2)] = rows(state, f"""
            SELECT sum(count), sum(population) FROM mart.disparity_counts
            WHERE lea_level = 'state' AND school_year = {year} AND category = '{category}'
              AND "group" NOT IN ('{group}', 'unknown')""")
        assert (c, n2) == (expected_c, expected_n2)


def test_the_states_enrolled_population_counts_every_student_once(loaded_state, combined):
    # the state's 'enrolled' population (mtss categories), over every group including unknown, is
    # the number of distinct student ids enrolled that year in the combined files
    state = rows(loaded_state / "state.duckdb", "SELECT school_year, sum(population) FROM mart.disparity_counts "
                 "WHERE lea_level = 'state' AND category = 'mtss_any' GROUP BY ALL ORDER BY ALL")
    students = rows(combined, "SELECT school_year, count(DISTINCT student_id) FROM staging.students GROUP BY ALL ORDER BY ALL")
    assert state == students and len(state) == 2


def test_statewide_values_are_the_districts_numerators_over_their_denominators(loaded_state, combined):
    state = loaded_state / "state.duckdb"
    ours = rows(state, "SELECT metric_id, school_year, student_group, numerator, denominator, value "
                       f"FROM mart.metric_values WHERE level = 'state' AND {OFFICE_STAFF} ORDER BY ALL")
    theirs = rows(combined, "SELECT metric_id, school_year, student_group, sum(numerator), sum(denominator), "
                            "sum(numerator) / sum(denominator) FROM mart.metric_values WHERE level = 'district' "
                            f"AND numerator IS NOT NULL AND denominator IS NOT NULL AND {OFFICE_STAFF} GROUP BY ALL "
                            "HAVING sum(denominator) > 0 ORDER BY ALL")
    assert ours == theirs and len(ours) > 100
    # by definition: the state's attendance rate is every attended day over every enrolled day
    days = rows(combined, f"""
        SELECT year(calendar_date) + CASE WHEN month(calendar_date) >= 7 THEN 1 ELSE 0 END AS school_year,
               count(*) FILTER (WHERE status IN {ATTENDED}), count(*)
        FROM staging.attendance_daily GROUP BY ALL ORDER BY ALL""")
    rate = rows(state, "SELECT school_year, numerator, denominator FROM mart.metric_values "
                       "WHERE level = 'state' AND metric_id = 'attendance_rate' AND student_group = 'all' ORDER BY ALL")
    assert rate == [(year, float(a), float(n)) for year, a, n in days]
    # every district's own rows are in the state warehouse as its district computed them, but
    # for the student-level ones, which stay in the districts' warehouses
    district_rows = rows(state, f"SELECT * FROM mart.metric_values WHERE level <> 'state' AND {OFFICE_STAFF} ORDER BY ALL")
    assert district_rows == rows(combined, f"SELECT * FROM mart.metric_values WHERE level <> 'student' "
                                           f"AND {OFFICE_STAFF} ORDER BY ALL")
    assert rows(state, "SELECT count(*) FROM mart.metric_values WHERE level = 'student'") == [(0,)]


# The year in progress: the loads' metrics rebuilt as the nightly build of AS_OF computes them,
# a Monday of 2025-26, which keeps the months July 2025 - March 2026 and their years to date.
# The last district's export is behind: it has no row dated after BEHIND, so its own load stops
# at February while the others, and one load of every district's files, reach March.
AS_OF = dt.date(2026, 3, 16)
BEHIND = dt.date(2026, 2, 25)
DISTRICT_KEYS = ("school_id", "student_id", "staff_id", "department_id", "owner_id")  # prefixed ids


def end_export(con: duckdb.DuckDBPyConnection, prefix: str, day: dt.date) -> None:
    """Delete the rows of the district whose ids start with `prefix` dated after `day` from every
    dated table (raw, and staging where it is a table, not a view of raw): its export ended that day."""
    tables = {f"{s}.{t}" for s, t in rows_of(con, "SELECT schema_name, table_name FROM duckdb_tables()")}
    for table, column in metric_periods.dated_columns(existing_tables(con)):
        name = table.split(".")[1]
        columns = {c for (c,) in rows_of(con, "SELECT column_name FROM information_schema.columns "
                                              f"WHERE table_schema = 'staging' AND table_name = '{name}'")}
        key = next(c for c in DISTRICT_KEYS if c in columns)
        for target in (f"raw.{name}", table):
            if target in tables:
                con.execute(f"DELETE FROM {target} WHERE {column} > ? AND starts_with({key}, ?)", [day, prefix])


def rows_of(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def metrics_as_of(warehouse: Path, behind: str | None = None) -> None:
    """The metric marts of the warehouse rebuilt as the nightly load of AS_OF builds them, after
    the export of district `behind` (an id) has ended at BEHIND."""
    with duckdb.connect(str(warehouse)) as con:
        if behind is not None:
            end_export(con, behind.removesuffix(DISTRICT_ID), BEHIND)
        build_metric_values(con, as_of=AS_OF, incremental=False)
        build_scorecard(con)
        build_metric_cells(con)


@pytest.fixture(scope="module")
def year_in_progress(loaded_state, combined, tmp_path_factory) -> tuple[Path, Path, str]:
    """(the state warehouse, the combined warehouse, the district that is behind) with the year
    in progress of AS_OF: the districts' warehouses and the combined one rebuilt as of AS_OF,
    then rolled up as of AS_OF."""
    folder = tmp_path_factory.mktemp("in_progress")
    out = copy_output(loaded_state, folder / "out")
    together = folder / "combined.duckdb"
    shutil.copy(combined, together)
    ids = sorted(p.stem for p in (out / "districts").glob("*.duckdb"))
    behind = ids[-1]
    for district in ids:
        metrics_as_of(out / "districts" / f"{district}.duckdb", behind)
    metrics_as_of(together, behind)
    results = [DistrictResult(d, str(out / "districts" / f"{d}.duckdb"), "loaded") for d in ids]
    publish_state(out / "state.duckdb", results, load_settings(), as_of=AS_OF)
    return out / "state.duckdb", together, behind


def test_the_months_of_a_year_in_progress_equal_one_load_of_every_districts_files(year_in_progress):
    state, together, behind = year_in_progress
    months = ("2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03")  # school from late August
    # the district that is behind computed its months only to February; the others to March
    district = state.parent / "districts" / f"{behind}.duckdb"
    assert rows(district, "SELECT max(period) FROM mart.metric_values WHERE period LIKE 'ytd:%'") == [("ytd:2026-02-28",)]
    assert {p for (p,) in rows(state, "SELECT DISTINCT period FROM mart.metric_values WHERE level = 'state' "
                                      "AND period LIKE 'ytd:%'")} >= {"ytd:2026-03-31", "ytd:2026-02-28"}
    ours = rows(state, "SELECT metric_id, school_year, period, student_group, numerator, denominator, value "
                       f"FROM mart.metric_values WHERE level = 'state' AND period <> 'year' AND {OFFICE_STAFF} "
                       "ORDER BY ALL")
    theirs = rows(together, "SELECT metric_id, school_year, period, student_group, sum(numerator), sum(denominator), "
                            "sum(numerator) / sum(denominator) FROM mart.metric_values WHERE level = 'district' "
                            f"AND period <> 'year' AND numerator IS NOT NULL AND denominator IS NOT NULL AND {OFFICE_STAFF} "
                            "GROUP BY ALL HAVING sum(denominator) > 0 ORDER BY ALL")
    assert ours == theirs and {r[2] for r in ours} >= {f"month:{m}" for m in months}
    # by definition: the state's attendance in March alone and to the end of March, every attended
    # day over every enrolled day of every district (the one behind has none in March)
    [(march_attended, march_days, to_date_attended, to_date_days)] = rows(together, f"""
        SELECT count(*) FILTER (WHERE status IN {ATTENDED} AND calendar_date >= DATE '2026-03-01'),
               count(*) FILTER (WHERE calendar_date >= DATE '2026-03-01'),
               count(*) FILTER (WHERE status IN {ATTENDED}), count(*)
        FROM staging.attendance_daily WHERE calendar_date BETWEEN DATE '2025-07-01' AND DATE '2026-03-31'""")
    rate = dict((p, (a, n)) for p, a, n in rows(state, "SELECT period, numerator, denominator FROM mart.metric_values "
                                                      "WHERE level = 'state' AND metric_id = 'attendance_rate' "
                                                      "AND student_group = 'all'"))
    assert rate["month:2026-03"] == (march_attended, march_days) and march_days > 0
    assert rate["ytd:2026-03-31"] == (to_date_attended, to_date_days)
    # the district behind has its months to March in the state warehouse too, as one load of
    # every district's files computes them
    district_rows = rows(state, "SELECT * FROM mart.metric_values WHERE level <> 'state' AND period <> 'year' "
                                f"AND {OFFICE_STAFF} ORDER BY ALL")
    assert district_rows == rows(together, "SELECT * FROM mart.metric_values WHERE level <> 'student' "
                                           f"AND period <> 'year' AND {OFFICE_STAFF} ORDER BY ALL")
    assert rows(state, "SELECT count(*) FROM mart.metric_cells WHERE level = 'district' AND entity_id = "
                       f"'{behind}' AND period = 'ytd:2026-03-31'")[0][0] > 0


def test_state_disparity_prints_the_determinations_of_the_state_warehouse(loaded_state, capsys):
    capsys.readouterr()
    assert main(["state", "disparity", "--out", str(loaded_state)]) == 0
    out, err = capsys.readouterr()
    flagged = rows(loaded_state / "state.duckdb", "SELECT lea_id, category, \"group\" FROM mart.disparity "
                   "WHERE lea_level = 'district' AND school_year = 2026 AND flagged ORDER BY ALL")
    body = out.splitlines()[1:]
    assert [tuple(line.split()[:3]) for line in body] == flagged
    assert f"2026: 0 of {DISTRICTS} districts significantly disproportionate" in err  # 2 years < 3 in a row


def published_run(warehouse: Path) -> str:
    [(run_id,)] = rows(warehouse, "SELECT DISTINCT run_id FROM mart.data_quality "
                                  "WHERE loaded_at = (SELECT max(loaded_at) FROM mart.data_quality)")
    return run_id


def kill_during_load(client, out: Path, district: str, kills: int, log: list) -> None:
    """SIGKILL the worker running `district`'s step while its load has a build file open (a new
    one each time: each attempt's load makes its own), `kills` times. The worker is stopped
    (SIGSTOP) before the build file is looked at, so the attempt cannot publish between the look
    and the kill: a kill always lands mid-load."""
    key = f"state_load.{step_name(district)}"
    seen = set((out / "districts").glob(f"{district}.duckdb.build-*"))
    for _ in range(kills):
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            building = set((out / "districts").glob(f"{district}.duckdb.build-*")) - seen
            workers = [w for w, keys in client.processing().items() if key in keys]
            if building and workers:
                pid = client.run(os.getpid, workers=workers)[workers[0]]
                os.kill(pid, signal.SIGSTOP)
                if any(path.exists() for path in building):
                    os.kill(pid, signal.SIGKILL)
                    log.append(pid)
                    seen |= building
                    break
                os.kill(pid, signal.SIGCONT)  # that attempt already published or failed: wait for the next
            time.sleep(0.2)


def step_starts(out: Path, district: str) -> int:
    """How many times the last run started the district's step (Dagster's event log)."""
    with dg.DagsterInstance.local_temp(tempdir=str(out / ".dagster")) as instance:
        [run] = instance.get_runs(limit=1)
        records = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.STEP_START).records
        return sum(1 for r in records if r.event_log_entry.step_key == step_name(district))


def run_state_load_killing(cluster, out: Path, state_root: Path, district: str, kills: int, capsys) -> tuple[int, str, list]:
    address, client = cluster
    killed: list = []
    killer = threading.Thread(target=kill_during_load, args=(client, out, district, kills, killed))
    killer.start()
    capsys.readouterr()
    code = main(["state", "load", "--landing-root", str(state_root), "--out", str(out), "--scheduler", address])
    killer.join()
    return code, capsys.readouterr().err, killed


def test_a_district_whose_worker_is_killed_once_is_loaded_by_its_retry(loaded_state, state_root, cluster, tmp_path,
                                                                      capsys):
    out = copy_output(loaded_state, tmp_path / "out")
    district = sorted(p.name for p in state_root.iterdir())[1]
    code, err, killed = run_state_load_killing(cluster, out, state_root, district, 1, capsys)
    assert len(killed) == 1
    assert code == 0, err
    assert step_starts(out, district) == 2  # the first attempt and its one retry
    assert rows(out / "state.duckdb", f"SELECT status FROM mart.state_districts WHERE district_id = '{district}'") \
        == [("loaded",)]


def test_a_district_whose_worker_is_killed_twice_keeps_its_last_good_warehouse_and_no_state_is_published(
        loaded_state, state_root, cluster, tmp_path, capsys):
    out = copy_output(loaded_state, tmp_path / "out")
    district = sorted(p.name for p in state_root.iterdir())[0]
    last_good = published_run(out / "districts" / f"{district}.duckdb")
    state_before = (out / "state.duckdb").read_bytes()
    code, err, killed = run_state_load_killing(cluster, out, state_root, district, 2, capsys)
    assert len(killed) == 2
    assert code == 1
    assert step_starts(out, district) == 1 + ALLOWED_FAILURES  # retried once, not again
    assert f"{district}: missing: " in err and "KilledWorker" in err
    assert published_run(out / "districts" / f"{district}.duckdb") == last_good
    assert (out / "state.duckdb").read_bytes() == state_before  # never published from a partial set


def test_a_district_with_a_rejected_file_is_reported_and_the_others_load(loaded_state, state_root, cluster, tmp_path,
                                                                       capsys):
    landing = tmp_path / "landing"
    shutil.copytree(state_root, landing)
    out = copy_output(loaded_state, tmp_path / "out")
    bad, *good = sorted(p.name for p in landing.iterdir())
    (landing / bad / "assessments.csv").write_text("not,the,columns\n1,2,3\n", encoding="utf-8")
    capsys.readouterr()
    code = main(["state", "load", "--landing-root", str(landing), "--out", str(out), "--scheduler", cluster[0]])
    err = capsys.readouterr().err
    assert code == 1
    assert f"alignboard state load: {bad}: assessments.csv" in err
    status = dict(rows(out / "state.duckdb", "SELECT district_id, status FROM mart.state_districts"))
    assert status == {bad: "rejected", **{d: "loaded" for d in good}}
    # the district's last good assessments stay in its warehouse and in the state's marts
    before = rows(loaded_state / "state.duckdb", f"SELECT count(*) FROM mart.metric_values WHERE metric_id LIKE "
                  f"'proficiency_rate%' AND entity_id LIKE '{bad[:3]}%'")
    after = rows(out / "state.duckdb", f"SELECT count(*) FROM mart.metric_values WHERE metric_id LIKE "
                 f"'proficiency_rate%' AND entity_id LIKE '{bad[:3]}%'")
    assert after == before and before[0][0] > 0
