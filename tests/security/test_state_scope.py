"""A state warehouse served by `alignboard dashboard`, probed over HTTP as an attacker would: a
district's login reads its own district and the state's aggregates above it, never another
district's rows, whether through the pages, their callbacks or /export; the state's login lands on
the state and opens every district.

The state: two generated districts (60 students around each, 2025-26), each loaded by its own
nightly load and rolled up as `alignboard state load` does (pipelines/state_job.py's
load_district, assets/state/rollup.py), without a Dask cluster. What each login may see is read
from the warehouse's organisation, not from the app's output.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import duckdb
import pytest
import requests

from assets.equity.settings import load_settings
from assets.metrics.periods import latest_data_date
from assets.state.rollup import publish_state
from assets.warehouse import existing_tables
from pipelines.state_job import district_ids, load_district
from sample_data.state_landing import generate_state
from tests.security.conftest import start, stop

ACCOUNTS = {  # name -> (scope, may see students, password)
    "statewide": ("state", True, "statewide-password-long"),
    "riverbend": ("district:0010412", True, "riverbend-password-long"),
}
OWN, OTHER = "0010412", "0020412"  # riverbend's district, and the other one


@pytest.fixture(scope="module")
def state(tmp_path_factory) -> Path:
    """The output root of a two-district state: districts/<id>.duckdb and state.duckdb."""
    root = tmp_path_factory.mktemp("state")
    generate_state(root / "landing", districts=2, students=60, seed=5, years=1, end_year=2026)
    results = [load_district(root / "landing", root / "out", d, "security") for d in district_ids(root / "landing")]
    assert [r.status for r in results] == ["loaded", "loaded"]
    publish_state(root / "out" / "state.duckdb", results, load_settings())
    return root / "out"


@pytest.fixture(scope="module")
def site(state, tmp_path_factory):
    served = start(state / "state.duckdb", tmp_path_factory.mktemp("state_site"), accounts=ACCOUNTS)
    yield served.base
    stop(served)


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def entities(state: Path, district: str) -> dict[str, str]:
    """id -> name of every organisation entity of a district."""
    return dict(rows(state / "state.duckdb", "SELECT entity_id, entity_name FROM staging.org_hierarchy "
                                             f"WHERE district_id = '{district}'"))


def login(base: str, name: str) -> requests.Session:
    session = requests.Session()
    form = session.get(base + "/login", timeout=30).text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    fields.update(username=name, password=ACCOUNTS[name][2])
    assert session.post(base + "/login", data=fields, allow_redirects=False, timeout=30).status_code in (302, 303)
    return session


def page(session: requests.Session, base: str, path: str) -> requests.Response:
    """What the browser posts to draw a page: the pages callback, the URL as its input."""
    pathname, _, search = path.partition("?")
    return session.post(base + "/_dash-update-component", timeout=120, json={
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": "?" + search if search else ""}],
        "changedPropIds": ["_pages_location.pathname"], "state": []})


def layer_below(session: requests.Session, base: str, level: str, entity: str) -> set[str]:
    """The ids of a scorecard's layer below, asked for as its grid asks (its rows callback)."""
    answer = session.post(base + "/_dash-update-component", timeout=60, json={
        "output": "scorecard-children.getRowsResponse",
        "outputs": {"id": "scorecard-children", "property": "getRowsResponse"},
        "inputs": [{"id": "scorecard-children", "property": "getRowsRequest",
                    "value": {"startRow": 0, "endRow": 20, "sortModel": [], "filterModel": {}}}],
        "changedPropIds": ["scorecard-children.getRowsRequest"],
        "state": [{"id": "scorecard-children-view", "property": "data",
                   "value": {"level": level, "entity": entity, "year": 2026, "group": "all"}}]})
    assert answer.status_code == 200
    return {row["entity_id"] for row in answer.json()["response"]["scorecard-children"]["getRowsResponse"]["rowData"]}


def districts_grid(session: requests.Session, base: str) -> requests.Response:
    """The state equity page's server grid of every district, a page of rows, as AG Grid asks."""
    return session.post(base + "/_dash-update-component", timeout=60, json={
        "output": "equity-districts-grid.getRowsResponse",
        "outputs": {"id": "equity-districts-grid", "property": "getRowsResponse"},
        "inputs": [{"id": "equity-districts-grid", "property": "getRowsRequest",
                    "value": {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}}],
        "changedPropIds": ["equity-districts-grid.getRowsRequest"],
        "state": [{"id": {"type": "state", "key": "category"}, "property": "value", "value": "identification_all"},
                  {"id": {"type": "state", "key": "year"}, "property": "value", "value": 2026}]})


def test_a_district_login_gets_no_page_of_another_district(site, state):
    riverbend = login(site, "riverbend")
    other = entities(state, OTHER)
    school = next(i for i in other if i != OTHER and rows(state / "state.duckdb", "SELECT entity_level FROM "
                  f"staging.org_hierarchy WHERE entity_id = '{i}'")[0][0] == "school")
    for path in (f"/?level=district&entity={OTHER}", f"/metric?level=district&entity={OTHER}&metric=attendance_rate",
                 f"/equity?level=district&entity={OTHER}", f"/needs?level=district&entity={OTHER}",
                 f"/?level=school&entity={school}", f"/classroom?level=school&entity={school}",
                 f"/equity?level=school&entity={school}"):
        answer = page(riverbend, site, path)
        assert answer.status_code == 200, path
        assert "is not in your scope" in answer.text, path
        assert not [name for name in other.values() if name in answer.text], path


def test_a_district_login_exports_no_row_of_another_district(site, state):
    riverbend = login(site, "riverbend")
    for level, entity in (("district", OTHER), ("school", next(i for i in entities(state, OTHER) if i != OTHER))):
        refused = riverbend.get(site + "/export/metrics.csv", params={"level": level, "entity": entity}, timeout=60)
        assert refused.status_code == 403, (level, entity)
    everything = riverbend.get(site + "/export/metrics.csv", timeout=120)
    assert everything.status_code == 200
    exported = {row["entity_id"] for row in csv.DictReader(io.StringIO(everything.text))}
    # its own district's entities and the state above it, nothing of the other district
    assert OWN in exported and "state" in exported
    assert exported <= set(entities(state, OWN)) | {"state"}
    assert not exported & set(entities(state, OTHER))


def test_a_district_login_reads_the_state_above_it_with_only_its_own_district_below(site, state):
    riverbend = login(site, "riverbend")
    own, other = entities(state, OWN)[OWN], entities(state, OTHER)[OTHER]
    # the state's scorecard, metric detail (its layer below), needs (a district to choose), the
    # data quality (each district's files); the layer below of the scorecard and the equity
    # page's districts come from their grids
    for path in ("/?level=state&entity=state", "/metric?level=state&entity=state&metric=attendance_rate",
                 "/needs?level=state&entity=state", "/quality", "/equity?level=state&entity=state&year=2026"):
        answer = page(riverbend, site, path)
        assert answer.status_code == 200 and "is not in your scope" not in answer.text, path
        assert other not in answer.text, path
        assert own in answer.text or path.startswith(("/equity", "/?")), path
    assert layer_below(riverbend, site, "state", "state") == {OWN}
    assert layer_below(riverbend, site, "district", OTHER) == set()  # refused: no rows
    grid = districts_grid(riverbend, site)
    assert grid.status_code == 200
    assert {row["entity_id"] for row in grid.json()["response"]["equity-districts-grid"]["getRowsResponse"]["rowData"]} \
        == {OWN}
    state_values = riverbend.get(site + "/export/metrics.csv", params={"level": "state", "entity": "state"}, timeout=60)
    assert state_values.status_code == 200 and "attendance_rate" in state_values.text


def test_the_state_login_lands_on_the_state_and_opens_every_district(site, state):
    statewide = login(site, "statewide")
    home = page(statewide, site, "/")
    assert "State: balanced scorecard" in home.text
    assert layer_below(statewide, site, "state", "state") == {OWN, OTHER}
    # the values are as of the newest dated row of every district's data (2025-26, to June 30)
    newest = []
    for district in (OWN, OTHER):
        with duckdb.connect(str(state / "districts" / f"{district}.duckdb"), read_only=True) as con:
            newest.append(latest_data_date(con, existing_tables(con), dt.date(2026, 6, 30)))
    assert f"as of {max(newest):%Y-%m-%d}" in home.text
    other = page(statewide, site, f"/?level=district&entity={OTHER}")
    assert f"{entities(state, OTHER)[OTHER]}: balanced scorecard" in other.text
    grid = districts_grid(statewide, site)
    assert {row["entity_id"] for row in grid.json()["response"]["equity-districts-grid"]["getRowsResponse"]["rowData"]} \
        == {OWN, OTHER}
