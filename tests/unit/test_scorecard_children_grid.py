"""The scorecard's layer below (children by metrics) on the hand-built district of
dashboard_fixture.py, through the app as a browser reaches it: the page carries only the grid's
columns, and the rows come a page at a time from the rows callback, scoped to the signed-in
viewer. The values are worked out in test_dashboard_data.py from metrics_fixture.py."""
import re

import pytest

from dashboards import auth
from dashboards.app import create_app
from tests.dash_trees import answer_components
from tests.unit.dashboard_fixture import build_dashboard_warehouse

PASSWORD = "correct horse battery"
WALK = "walkthrough_lookfor_rate.empowered_learning"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build_dashboard_warehouse(tmp_path_factory.mktemp("children") / "warehouse.duckdb")


@pytest.fixture
def signed_in(warehouse, tmp_path, monkeypatch):
    """sign_in(name): a test client of the dashboard signed in as pat (principal of S1, staff)
    or ana (the district, with student access)."""
    monkeypatch.setenv("ALIGNBOARD_USERS", str(tmp_path / "users.yaml"))
    monkeypatch.delenv("ALIGNBOARD_TRUSTED_HEADER", raising=False)
    auth.add_user("pat", "school:S1", PASSWORD)
    auth.add_user("ana", "district", PASSWORD, students=True)
    server = create_app(warehouse).server

    def sign_in(name):
        client = server.test_client()
        form = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        answer = client.post("/login", data={"username": name, "password": PASSWORD, "next": "/",
                                              "csrf_token": token})
        assert answer.status_code == 302
        return client
    return sign_in


def draw(client, search: str) -> dict:
    """The scorecard page as the browser gets it: id -> props of its components."""
    answer = client.post("/_dash-update-component", json={
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/"},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"], "state": []})
    assert answer.status_code == 200
    return {c["props"]["id"]: c["props"] for c in answer_components(answer.get_json())
            if isinstance(c["props"].get("id"), str)}


def fields_of(grid: dict) -> dict:
    """metric id -> the grid's field for it (each metric column's tooltip names its id)."""
    leaves = [leaf for column in grid["columnDefs"] for leaf in column.get("children", [column])]
    return {re.search(r"\(([^()]+)\)$", leaf["headerTooltip"]).group(1): leaf["field"]
            for leaf in leaves if "headerTooltip" in leaf}


def rows(client, view, start=0, end=20, sort=None, filters=None):
    """The rows callback, as the grid calls it for one page."""
    return client.post("/_dash-update-component", json={
        "output": "scorecard-children.getRowsResponse",
        "outputs": {"id": "scorecard-children", "property": "getRowsResponse"},
        "inputs": [{"id": "scorecard-children", "property": "getRowsRequest",
                    "value": {"startRow": start, "endRow": end, "sortModel": sort or [],
                              "filterModel": filters or {}}}],
        "changedPropIds": ["scorecard-children.getRowsRequest"],
        "state": [{"id": "scorecard-children-view", "property": "data", "value": view}]})


def served(answer) -> dict:
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()["response"]["scorecard-children"]["getRowsResponse"]


def test_the_page_carries_the_layer_belows_columns_by_perspective_and_no_rows(signed_in):
    page = draw(signed_in("pat"), "?level=school&entity=S1&year=2026")
    grid = page["scorecard-children"]
    assert grid["rowModelType"] == "infinite" and "rowData" not in grid
    # the name and layer, then one group per perspective; the walkthrough look-fors are a
    # systems metric of S1's scorecard
    assert [c["field"] for c in grid["columnDefs"][:2]] == ["entity_name", "level_name"]
    groups = [c["headerName"] for c in grid["columnDefs"][2:]]
    assert groups and all("children" in c for c in grid["columnDefs"][2:]) and len(set(groups)) == len(groups)
    assert {"attendance_rate", WALK} <= set(fields_of(grid))
    assert page["scorecard-children-view"]["data"] == {"level": "school", "entity": "S1", "year": 2026,
                                                       "group": "all"}


def test_the_rows_of_a_principals_school_come_sorted_with_hidden_cells_saying_why(signed_in):
    client = signed_in("pat")
    page = draw(client, "?level=school&entity=S1&year=2026")
    field = fields_of(page["scorecard-children"])
    view = page["scorecard-children-view"]["data"]
    # S1's children: P1, C1, C2. Look-fors of empowered learning: P1 3 of 4 = 0.75 (near: within
    # 0.1 of 0.8), C1 1 of 2 = 0.5 (off), C2 2 of 2 = 1.0 (on target); highest first: C2, P1, C1
    answer = served(rows(client, view, sort=[{"colId": field[WALK], "sort": "desc"}]))
    assert answer["rowCount"] == 3
    assert [(r["entity_id"], r[field[WALK]], r[field[WALK] + "_c"]) for r in answer["rowData"]] == [
        ("C2", 1.0, "on_target"), ("P1", 0.75, "near"), ("C1", 0.5, "off")]
    # P1's attendance rests on s01-s06, 6 students: under the minimum n of 10 for staff, so no
    # value goes out, only why
    p1 = next(r for r in answer["rowData"] if r["entity_id"] == "P1")
    attendance = field["attendance_rate"]
    assert (p1[attendance], p1[attendance + "_c"], p1[attendance + "_note"]) == (
        None, "suppressed", "hidden: fewer than 10 students")
    assert (p1["level"], p1["level_name"], p1["entity_name"]) == ("plc", "PLC", "Grade 4 team")


def test_the_districts_rows_a_page_at_a_time_sorted_by_attendance(signed_in):
    client = signed_in("ana")
    page = draw(client, "?level=district&entity=D1&year=2026")
    attendance = fields_of(page["scorecard-children"])["attendance_rate"]
    view = page["scorecard-children-view"]["data"]
    # S1 57 of 65 days = 0.8769, S2 24 of 26 = 0.9231 (both off: target 0.95, near band 0.02);
    # the departments have no attendance: last, "no data", never zero. Two rows a page.
    first = served(rows(client, view, 0, 2, sort=[{"colId": attendance, "sort": "asc"}]))
    assert first["rowCount"] == 4
    assert [(r["entity_id"], r[attendance], r[attendance + "_c"]) for r in first["rowData"]] == [
        ("S1", pytest.approx(57 / 65), "off"), ("S2", pytest.approx(24 / 26), "off")]
    second = served(rows(client, view, 2, 4, sort=[{"colId": attendance, "sort": "asc"}]))
    assert [(r["entity_id"], r[attendance], r[attendance + "_note"]) for r in second["rowData"]] == [
        ("NUT", None, "no data"), ("TRN", None, "no data")]


def test_a_principal_gets_no_rows_outside_their_school_and_a_malformed_request_answers_400(signed_in):
    client = signed_in("pat")
    # the district's layer below, asked for by hand: S1 alone (S1's attendance 57/65 over 7
    # students is hidden from staff at n < 10), never S2's values
    district = served(rows(client, {"level": "district", "entity": "D1", "year": 2026, "group": "all"}))
    assert [r["entity_id"] for r in district["rowData"]] == ["S1"] and district["rowCount"] == 1
    # another school's layer below: refused by the query layer, no rows (as every server grid)
    assert served(rows(client, {"level": "school", "entity": "S2", "year": 2026, "group": "all"})) == {
        "rowData": [], "rowCount": 0}
    # requests the grid never sends: one line, 400, no rows
    view = {"level": "school", "entity": "S1", "year": 2026, "group": "all"}
    for answer in (rows(client, "school S1"), rows(client, {**view, "year": "twenty"}),
                   rows(client, view, 0, 5000), rows(client, view, sort="m0")):
        text = answer.get_data(as_text=True)
        assert answer.status_code == 400 and text.count("\n") == 1 and "entity_id" not in text, text
