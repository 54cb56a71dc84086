"""A whole state on a real Dask cluster: `alignboard state load` of a generated 3-district state
equals one ordinary load of the three districts' files together; a SIGKILLed worker's step is
run once more and never spoils the district's last good warehouse; a rejected file in one
district is reported and the others are not touched."""
from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.cli import main
from pipelines.state_job import ALLOWED_FAILURES, step_name
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
    """SIGKILL the worker running `district`'s step as soon as its load has opened a build file
    (a new one each time: each attempt's load makes its own), `kills` times."""
    key = f"state_load.{step_name(district)}"
    seen = set((out / "districts").glob(f"{district}.duckdb.build-*"))
    for _ in range(kills):
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            building = set((out / "districts").glob(f"{district}.duckdb.build-*")) - seen
            workers = [w for w, keys in client.processing().items() if key in keys]
            if building and workers:
                pid = client.run(os.getpid, workers=workers)[workers[0]]
                if not any(path.exists() for path in building):
                    continue  # that attempt already published or failed: wait for the next
                os.kill(pid, signal.SIGKILL)
                log.append(pid)
                seen |= building
                break
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
