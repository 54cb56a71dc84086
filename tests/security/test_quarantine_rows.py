"""The quarantined rows of the data-quality page probed over HTTP against a served dashboard:
the page callback, its grid's row requests and GET /export/quarantine.csv, as a staff login
without student access and as a login with student access outside the rows' school would send
them. The district is tests/quarantine_district.py's (its docstring lists each bad row, its
line and who may read it): S1's row is line 32 of attendance_daily.csv (00101, sick), S2's line 33.
"""
from __future__ import annotations

import csv
import io
import re

import pytest
import requests

from tests.quarantine_district import build_quarantine_warehouse
from tests.security.conftest import start, stop

ACCOUNTS = {  # name -> (scope, may see students, password)
    "principal": ("school:S1", False, "principal-password-long"),
    "s2lead": ("school:S2", True, "s2lead-password-long"),
    "coordinator": ("district", True, "coordinator-password-long"),
}
S1_ROW = ("00101", "2025-09-09")  # line 32: S1's student on a day S2's row (line 33) does not share
ONLY_WHOLE = ("2025-13-40", "S9")  # lines 36 and 35: rows that no school can be given


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quarantine_site")
    served = start(build_quarantine_warehouse(folder), folder / "server", accounts=ACCOUNTS)
    yield served
    stop(served)


def login(site, name: str) -> requests.Session:
    session = requests.Session()
    answer = site.login(session, name)
    assert answer.status_code in (302, 303), answer.text[:300]
    return session


def page(session: requests.Session, site, search: str) -> requests.Response:
    """What the browser posts to draw /quality: the pages callback, the URL as its input."""
    return session.post(site.url("/_dash-update-component"), timeout=60, json={
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/quality"},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"], "state": []})


def grid_rows(session: requests.Session, site, search: str) -> requests.Response:
    """What the rows grid posts for its first page when it is served from the server."""
    return session.post(site.url("/_dash-update-component"), timeout=60, json={
        "output": "quality-rows.getRowsResponse", "outputs": {"id": "quality-rows", "property": "getRowsResponse"},
        "inputs": [{"id": "quality-rows", "property": "getRowsRequest",
                    "value": {"startRow": 0, "endRow": 20, "sortModel": [], "filterModel": {}}}],
        "changedPropIds": ["quality-rows.getRowsRequest"],
        "state": [{"id": "url", "property": "search", "value": search}]})


def export(session: requests.Session, site, **params) -> requests.Response:
    return session.get(site.url("/export/quarantine.csv"), params=params, timeout=60)


def csv_lines(text: str) -> list[str]:
    return [row["line"] for row in csv.DictReader(io.StringIO(text))]


def test_staff_without_student_access_get_the_counts_and_no_row_by_any_door(site):
    principal = login(site, "principal")
    drawn = page(principal, site, "?file=attendance_daily&reason=unknown_code%3Astatus")
    assert drawn.status_code == 200
    assert "alignboard quarantine attendance_daily.csv --reason unknown_code:status" in drawn.text
    assert '"rows_quarantined":6' in drawn.text.replace(" ", "")  # the counts are for everyone
    assert "sick" not in drawn.text and not any(v in drawn.text for v in ONLY_WHOLE)
    served = grid_rows(principal, site, "?file=attendance_daily")
    assert served.status_code == 200 and served.json()["response"]["quality-rows"]["getRowsResponse"] == {
        "rowData": [], "rowCount": 0}
    refused = export(principal, site, file="attendance_daily")
    assert refused.status_code == 403 and refused.text.count("\n") == 1 and "00101" not in refused.text
    log = site.log.read_text()
    refusals = [line for line in log.splitlines() if "user='principal'" in line and "quarantined rows" in line]
    assert len(refusals) == 2  # the grid's request and the download: each one logged
    assert not any(value in log for value in ("sick", "2025-09-09", "00101"))  # never the rows


def test_a_viewer_with_student_access_gets_no_row_of_another_school_by_any_door(site):
    s2lead = login(site, "s2lead")
    drawn = page(s2lead, site, "?file=attendance_daily")
    assert drawn.status_code == 200
    grid = re.search(r'"id":\s*"quality-rows".*?"rowData":\s*(\[.*?\])', drawn.text, re.S)
    assert grid and re.findall(r'"line":\s*(\d+)', grid.group(1)) == ["33"]
    assert not all(value in drawn.text for value in S1_ROW) and not any(v in drawn.text for v in ONLY_WHOLE)
    served = grid_rows(s2lead, site, "?file=attendance_daily")
    assert [r["line"] for r in served.json()["response"]["quality-rows"]["getRowsResponse"]["rowData"]] == [33]
    got = export(s2lead, site, file="attendance_daily.csv")
    assert got.status_code == 200 and csv_lines(got.text) == ["33"]
    # special education names students only: 00104's row (line 3) is S2's, 00101's (line 5) S1's
    assert csv_lines(export(s2lead, site, file="special_education", reason="unknown_code").text) == ["3"]


def test_the_district_wide_coordinator_gets_every_row_and_a_bad_name_is_a_bad_request(site):
    coordinator = login(site, "coordinator")
    got = export(coordinator, site, file="attendance_daily")
    assert got.status_code == 200 and csv_lines(got.text) == ["32", "33", "34", "35", "36", "37"]
    assert got.headers["Content-Disposition"] == "attachment; filename=quarantine_attendance_daily.csv"
    assert got.headers["Cache-Control"] == "no-store"
    for name in ("../warehouse", "raw.attendance_daily", ""):
        bad = export(coordinator, site, file=name)
        assert bad.status_code == 400 and bad.text.count("\n") == 1, (name, bad.text)
    anonymous = requests.get(site.url("/export/quarantine.csv"), params={"file": "attendance_daily"}, timeout=30)
    assert anonymous.status_code == 401 and "00101" not in anonymous.text
