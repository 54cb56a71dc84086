"""The query layer probed as an attacker would, over HTTP against a served dashboard on
127.0.0.1: the Dash page callback (POST /_dash-update-component with _pages_location, what the
browser sends) and plain GETs, with hand-made URLs a viewer may type or post.

The session's district (conftest.py: 400 students, 2 school years, seed 7); the logins are those
of the demo: a principal of school 01001 (staff), a PLC lead of its grade 3
PLC (staff), a teacher of classroom 01001-2026-0031 who may see its students. What each may see
is worked out from the warehouse by the definitions of docs/access.md, not from the app's output.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import duckdb
import pytest
import requests

from tests.dash_trees import answer_components
from tests.security.conftest import start, stop

SCHOOL, PLC, CLASSROOM = "01001", "01001-grade_03", "01001-2026-0031"
ACCOUNTS = {  # name -> (scope, may see students, password)
    "principal": (f"school:{SCHOOL}", False, "principal-password-long"),
    "plclead": (f"plc:{PLC}", False, "plclead-password-long"),
    "teacher": (f"classroom:{CLASSROOM}", True, "teacher-password-long"),
}


@pytest.fixture(scope="module")
def site(district, tmp_path_factory):
    """(base URL, warehouse, server log) of `alignboard dashboard` over the session's district."""
    served = start(district, tmp_path_factory.mktemp("attacks"), accounts=ACCOUNTS)
    yield served.base, district, served.log
    stop(served)


def login(base: str, name: str) -> requests.Session:
    """A signed-in session, through the login form and its CSRF token."""
    session = requests.Session()
    form = session.get(base + "/login", timeout=30).text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    fields.update(username=name, password=ACCOUNTS[name][2])
    answer = session.post(base + "/login", data=fields, allow_redirects=False, timeout=30)
    assert answer.status_code in (302, 303), answer.text[:300]
    return session


def page(session: requests.Session, base: str, pathname: str, search: str) -> requests.Response:
    """What the browser posts to draw a page: the pages callback, the URL as its input."""
    return session.post(base + "/_dash-update-component", timeout=60, json={
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"], "state": []})


def rows(warehouse: Path, sql: str, params: dict | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


def test_a_teacher_who_may_see_students_gets_no_roster_of_their_school_or_plc(site):
    base, warehouse, _ = site
    teacher = login(base, "teacher")
    latest = rows(warehouse, "SELECT max(school_year) FROM staging.students")[0][0]
    mine = {s for (s,) in rows(warehouse, "SELECT student_id FROM staging.section_enrollments WHERE section_id = $c",
                               {"c": CLASSROOM})}
    others = {s for (s,) in rows(warehouse, "SELECT student_id FROM staging.students WHERE school_id = $s "
                                            "AND school_year = $y", {"s": SCHOOL, "y": latest})} - mine
    assert mine and len(others) > 50  # the attack has something to steal
    for level, entity in (("school", SCHOOL), ("plc", PLC)):
        answer = page(teacher, base, "/classroom", f"?level={level}&entity={entity}")
        assert answer.status_code == 200
        leaked = {s for s in others if f'"{s}"' in answer.text}
        assert not leaked, f"{len(leaked)} students of {level} {entity} outside the teacher's classroom"
    own = page(teacher, base, "/classroom", f"?level=classroom&entity={CLASSROOM}").text
    assert any(f'"{s}"' in own for s in mine)  # their own students are there


def test_a_student_folder_shows_only_the_years_the_student_was_in_the_viewers_scope(site):
    base, warehouse, _ = site
    # a student of the teacher's 2025-26 classroom who was also enrolled in 2024-25 (another
    # year, so another classroom): the folder must show 2026 only
    (student,) = rows(warehouse, """SELECT min(e.student_id) FROM staging.section_enrollments AS e
        WHERE e.section_id = $c AND e.student_id IN (SELECT student_id FROM staging.students WHERE school_year = 2025)""",
                      {"c": CLASSROOM})[0]
    answer = page(login(base, "teacher"), base, "/student", f"?student={student}").text
    years = set(re.findall(r'"year":\s*"(\d{4}-\d{2})"', answer))  # each row's school year as shown
    assert years == {"2025-26"}, years


def test_a_principal_sees_exact_values_for_every_plc_and_classroom_that_reaches_the_minimum_n(site):
    base, warehouse, _ = site
    principal = login(base, "principal")
    answer = principal.get(base + "/export/metrics.csv", params={"metric": "attendance_rate"}, timeout=60)
    assert answer.status_code == 200
    shown = {(r["level"], r["entity_id"], r["student_group"], r["school_year"]): r
             for r in csv.DictReader(answer.text.splitlines())}
    # every PLC and classroom cell of the school whose n reaches attendance_rate's minimum n (10)
    expected = rows(warehouse, """
        SELECT v.level, v.entity_id, v.student_group, v.school_year::VARCHAR, v.numerator, v.denominator
        FROM mart.metric_values AS v JOIN mart.metric_value_counts AS k USING
             (metric_id, metric_version, school_year, period, level, entity_id, student_group)
        JOIN staging.org_hierarchy AS h ON h.entity_level = v.level AND h.entity_id = v.entity_id
        WHERE v.metric_id = 'attendance_rate' AND v.period = 'year' AND h.school_id = $s
          AND v.level IN ('plc', 'classroom') AND k.n >= 10""", {"s": SCHOOL})
    assert len(expected) > 20
    for level, entity, group, year, numerator, denominator in expected:
        row = shown[(level, entity, group, year)]
        assert (row["suppressed"], float(row["numerator"]), float(row["denominator"])) == ("N", numerator, denominator)


def test_a_plc_lead_sees_their_own_scorecard_and_smart_goal(site):
    base, warehouse, _ = site
    text = page(login(base, "plclead"), base, "/", f"?level=plc&entity={PLC}").text
    n_of = dict(rows(warehouse, """SELECT metric_id, n FROM mart.metric_value_counts WHERE level = 'plc'
        AND entity_id = $p AND student_group = 'all' AND period = 'year'
        AND school_year = (SELECT max(school_year) FROM mart.scorecard WHERE level = 'plc' AND entity_id = $p)""",
                      {"p": PLC}))
    tiles = {c["props"]["data-metric"]: c["props"]["className"] for c in answer_components(json.loads(text))
             if "data-metric" in c["props"]}
    for metric in ("attendance_rate", "chronic_absence_rate", "oss_rate"):
        assert n_of[metric] >= 10  # 60-odd students in the grade: their own numbers, shown
        assert "suppressed" not in tiles[metric] and "no_data" not in tiles[metric], tiles[metric]
    assert "top_coded" not in text and "bottom_coded" not in text
    goals = page(login(base, "plclead"), base, "/plans", "").text
    assert "suppressed" not in goals.lower()


def test_the_export_answers_the_same_for_an_unknown_id_and_one_outside_the_scope(site):
    base, warehouse, _ = site
    principal = login(base, "principal")
    (elsewhere,) = rows(warehouse, "SELECT min(student_id) FROM staging.students WHERE school_id <> $s", {"s": SCHOOL})[0]
    answers = []
    for entity in (elsewhere, "no-such-id"):
        for level in ("student", ""):
            got = principal.get(base + "/export/metrics.csv", params={"entity": entity, "level": level}, timeout=30)
            answers.append((got.status_code, got.text.replace(entity, "ID")))
    assert answers[0] == answers[2] and answers[1] == answers[3], answers
    assert answers[0][0] == 403


def test_bad_input_answers_400_with_one_line_never_500(site):
    base, _, _ = site
    principal = login(base, "principal")
    bad_filter = principal.post(base + "/_dash-update-component", timeout=30, json={
        "output": "equity-schools-grid.getRowsResponse",
        "outputs": {"id": "equity-schools-grid", "property": "getRowsResponse"},
        "inputs": [{"id": "equity-schools-grid", "property": "getRowsRequest",
                    "value": {"startRow": 0, "endRow": 20, "sortModel": [],
                              "filterModel": {"ratio": {"filterType": "number", "type": "equals", "filter": "x"}}}}],
        "changedPropIds": ["equity-schools-grid.getRowsRequest"],
        "state": [{"id": {"type": "state", "key": "category"}, "property": "value", "value": "mtss_any"},
                  {"id": {"type": "state", "key": "year"}, "property": "value", "value": 2026}]})
    assert bad_filter.status_code == 400 and bad_filter.text.count("\n") == 1, bad_filter.text[:300]
    download = principal.post(base + "/_dash-update-component", timeout=30, json={
        "output": "equity-download.data", "outputs": {"id": "equity-download", "property": "data"},
        "inputs": [{"id": "equity-csv", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["equity-csv.n_clicks"],
        "state": [{"id": "url", "property": "search", "value": "?level=school&entity=01002"}]})
    assert download.status_code == 403 and download.text.count("\n") == 1, download.text[:300]
    year = principal.get(base + "/export/metrics.csv", params={"year": "twenty"}, timeout=30)
    assert year.status_code == 400 and year.text.count("\n") == 1


def layer_below(session: requests.Session, base: str, view, request: dict | None = None) -> requests.Response:
    """A page of the scorecard's layer below, asked for as the grid asks (its rows callback), for
    any view a hand-made request names."""
    return session.post(base + "/_dash-update-component", timeout=60, json={
        "output": "scorecard-children.getRowsResponse",
        "outputs": {"id": "scorecard-children", "property": "getRowsResponse"},
        "inputs": [{"id": "scorecard-children", "property": "getRowsRequest",
                    "value": request or {"startRow": 0, "endRow": 20, "sortModel": [], "filterModel": {}}}],
        "changedPropIds": ["scorecard-children.getRowsRequest"],
        "state": [{"id": "scorecard-children-view", "property": "data", "value": view}]})


def test_the_layer_below_gives_a_principal_only_their_school_and_400_for_a_malformed_request(site):
    base, warehouse, _ = site
    principal = login(base, "principal")
    (district,), = rows(warehouse, "SELECT entity_id FROM staging.org_hierarchy WHERE entity_level = 'district'")
    others = [s for (s,) in rows(warehouse, "SELECT school_id FROM staging.schools WHERE school_id <> $s",
                                 {"s": SCHOOL})]
    assert others  # the attack has something to steal
    # the district's layer below: of its schools and departments, only the principal's school
    answer = layer_below(principal, base, {"level": "district", "entity": district, "year": 2026, "group": "all"})
    assert answer.status_code == 200
    served = answer.json()["response"]["scorecard-children"]["getRowsResponse"]
    assert [r["entity_id"] for r in served["rowData"]] == [SCHOOL] and served["rowCount"] == 1
    assert not [s for s in others if f'"{s}"' in answer.text]
    # another school's layer below: no rows, as every server grid answers a refusal
    for school in others:
        refused = layer_below(principal, base, {"level": "school", "entity": school, "year": 2026, "group": "all"})
        assert refused.status_code == 200
        assert refused.json()["response"]["scorecard-children"]["getRowsResponse"] == {"rowData": [], "rowCount": 0}
    # requests the grid never sends: 400, one line
    own = {"level": "school", "entity": SCHOOL, "year": 2026, "group": "all"}
    for bad in (layer_below(principal, base, [SCHOOL]),
                layer_below(principal, base, own, {"startRow": 0, "endRow": 10**6, "sortModel": [], "filterModel": {}}),
                layer_below(principal, base, own, {"startRow": 0, "endRow": 20, "sortModel": {"colId": "m0"}})):
        assert bad.status_code == 400 and bad.text.count("\n") == 1, bad.text[:300]


def test_every_student_level_query_joins_the_visible_students():
    """A structural guard: each SQL file of the query layer that reads a student-level table
    restricts it to visible_students (the one relation of the students a viewer may see)."""
    sql_dir = Path(__file__).resolve().parents[2] / "dashboards" / "queries" / "sql"
    student_tables = ("staging.attendance_daily", "staging.assessments", "staging.cfa_results",
                      "staging.discipline_incidents", "staging.mtss_interventions", "staging.special_education",
                      "latest AS l")
    readers = [p for p in sql_dir.rglob("*.sql")
               if p.name != "scope.sql" and any(t in p.read_text() for t in student_tables)]
    assert len(readers) >= 6
    for path in readers:
        assert "visible_students" in path.read_text(), path.name


def search(session: requests.Session, base: str, text: str) -> requests.Response:
    """What the browser posts when "Search" is pressed on /search (the text in the body)."""
    return session.post(base + "/_dash-update-component", timeout=60, json={
        "output": "student-search-results.children",
        "outputs": {"id": "student-search-results", "property": "children"},
        "inputs": [{"id": "student-search-button", "property": "n_clicks", "value": 1},
                   {"id": "student-search-text", "property": "n_submit", "value": None}],
        "changedPropIds": ["student-search-button.n_clicks"],
        "state": [{"id": "student-search-text", "property": "value", "value": text}]})


def _student_ids(text: str, warehouse: Path) -> set[str]:
    """The ids of the district's students that an answer names."""
    every = {s for (s,) in rows(warehouse, "SELECT DISTINCT student_id FROM staging.students")}
    return {s for s in re.findall(r"\d{7}", text) if s in every}


def test_the_student_search_never_returns_a_student_outside_the_scope(site):
    base, warehouse, _ = site
    teacher = login(base, "teacher")
    mine = {s for (s,) in rows(warehouse, "SELECT student_id FROM staging.section_enrollments WHERE section_id = $c "
                                          "AND school_year = 2026", {"c": CLASSROOM})}
    # "000" starts every id of the district: the widest search a teacher can make
    answer = search(teacher, base, "000")
    assert answer.status_code == 200
    found = _student_ids(answer.text, warehouse)
    assert found and found <= mine, sorted(found - mine)[:5]
    assert len(found) == min(len(mine), 50)
    (other,) = rows(warehouse, "SELECT min(student_id) FROM staging.students WHERE school_id <> $s", {"s": SCHOOL})[0]
    assert other not in search(teacher, base, other).text
    for name in ("principal", "plclead"):  # no student access: a refusal, no ids
        refused = search(login(base, name), base, "000")
        assert "not in your scope" in refused.text and not _student_ids(refused.text, warehouse)


def test_re_teach_groups_never_name_a_student_outside_the_scope(site):
    base, warehouse, _ = site
    teacher = login(base, "teacher")
    mine = {s for (s,) in rows(warehouse, "SELECT student_id FROM staging.section_enrollments WHERE section_id = $c "
                                          "AND school_year = 2026", {"c": CLASSROOM})}
    below_cut = {s for (s,) in rows(warehouse, """SELECT DISTINCT student_id FROM staging.cfa_results
        WHERE section_id IN (SELECT section_id FROM staging.sections WHERE plc_id = $p) AND school_year = 2026
          AND score / max_score < proficiency_cut""", {"p": PLC})}
    assert below_cut - mine  # the PLC has students to re-teach outside the teacher's classroom
    cfas = [c for (c,) in rows(warehouse, "SELECT DISTINCT cfa_id FROM mart.cfa_mastery WHERE plc_id = $p "
                                          "AND school_year = 2026 ORDER BY 1", {"p": PLC})]
    for level, entity in (("classroom", CLASSROOM), ("plc", PLC), ("school", SCHOOL)):
        for cfa in cfas:
            text = page(teacher, base, "/classroom", f"?level={level}&entity={entity}&cfa={cfa}").text
            leaked = _student_ids(text, warehouse) - mine
            assert not leaked, f"{level} {entity} {cfa}: {sorted(leaked)[:5]}"
    own = page(teacher, base, "/classroom", f"?level=classroom&entity={CLASSROOM}&cfa={cfas[0]}").text
    assert "Re-teach groups" in own


def ews_download(session: requests.Session, base: str, search_text: str) -> requests.Response:
    """What the browser posts when "Download these students (CSV)" is pressed on /early-warning."""
    return session.post(base + "/_dash-update-component", timeout=60, json={
        "output": "ews-download.data", "outputs": {"id": "ews-download", "property": "data"},
        "inputs": [{"id": "ews-csv", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["ews-csv.n_clicks"],
        "state": [{"id": "url", "property": "search", "value": search_text}]})


def _latest_month_end(warehouse: Path, year_of: str = "SELECT max(school_year) FROM mart.early_warning",
                      params: dict | None = None) -> tuple:
    """The month end the early-warning page opens on: the last of the latest school year in which
    the entity has students (`year_of`: that year's SQL)."""
    return rows(warehouse, f"SELECT max(as_of), max(school_year) FROM mart.early_warning WHERE school_year = ({year_of})",
                params)[0]


def test_a_teacher_sees_only_their_students_on_the_early_warning_page_and_its_download(site):
    base, warehouse, _ = site
    teacher = login(base, "teacher")
    # the classroom's students are of its own school year (the latest may be the year after)
    as_of, year = _latest_month_end(warehouse, "SELECT school_year FROM staging.sections WHERE section_id = $c",
                                    {"c": CLASSROOM})
    mine = {s for (s,) in rows(warehouse, "SELECT student_id FROM staging.section_enrollments WHERE section_id = $c "
                                          "AND school_year = $y", {"c": CLASSROOM, "y": year})}
    # the teacher's students flagged or supported on the page's month end: what the lists show
    listed = {s for (s,) in rows(warehouse, """SELECT student_id FROM mart.early_warning WHERE as_of = $d
        AND (flags > 0 OR supports IS NOT NULL)""", {"d": as_of})}
    expected = listed & mine
    assert expected and (listed - mine)  # the school has flagged students outside the classroom
    own = page(teacher, base, "/early-warning", "")
    assert own.status_code == 200
    shown = _student_ids(own.text, warehouse)
    assert expected <= shown and shown <= mine, sorted(shown - mine)[:5]
    for level, entity in (("school", SCHOOL), ("plc", PLC)):  # above the classroom: counts only
        text = page(teacher, base, "/early-warning", f"?level={level}&entity={entity}").text
        assert not _student_ids(text, warehouse) and "Counts only" in text
    answer = ews_download(teacher, base, "")
    assert answer.status_code == 200, answer.text[:300]
    content = answer.json()["response"]["ews-download"]["data"]["content"]
    assert {r["student_id"] for r in __import__("csv").DictReader(content.splitlines())} == expected
    refused = ews_download(teacher, base, f"?level=school&entity={SCHOOL}")
    assert refused.status_code == 403 and not _student_ids(refused.text, warehouse)


def test_a_principal_gets_counts_of_flagged_students_and_no_names_or_ids(site):
    base, warehouse, _ = site
    principal = login(base, "principal")
    as_of, year = _latest_month_end(warehouse)
    students, flagged = rows(warehouse, """SELECT count(*), count(*) FILTER (WHERE flags > 0) FROM mart.early_warning
        WHERE as_of = $d AND school_id = $s""", {"d": as_of, "s": SCHOOL})[0]
    assert students >= 10 and flagged  # a school-sized cell, shown to staff
    text = page(principal, base, "/early-warning", "").text
    assert f"{flagged:,} ({flagged / students:.0%})" in text  # the "Flagged" tile
    assert not _student_ids(text, warehouse)
    names = rows(warehouse, "SELECT first_name, last_name FROM staging.students WHERE school_year = $y "
                            "AND first_name IS NOT NULL", {"y": year})
    assert names and not [n for n in names if f"{n[1]}, {n[0]}" in text]
    assert "Counts only" in text and "ews-csv" not in text
    refused = ews_download(principal, base, "")
    assert refused.status_code == 403 and not _student_ids(refused.text, warehouse)


def test_a_team_page_and_packet_answer_the_same_for_an_unknown_team_and_one_outside_the_scope(site):
    base, warehouse, _ = site
    principal = login(base, "principal")
    (other,) = rows(warehouse, "SELECT min(team_id) FROM staging.teams WHERE owner_level = 'school' AND owner_id <> $s",
                    {"s": SCHOOL})[0]
    pages, pdfs = [], []
    for team in (other, "BLT:no-such-id"):
        drawn = page(principal, base, "/team", f"?team={team}")
        pages.append((drawn.status_code, drawn.text.replace(team, "ID")))
        got = principal.get(base + "/export/team-packet.pdf", params={"team": team}, timeout=60)
        pdfs.append((got.status_code, got.headers["Content-Type"], got.text.replace(team, "ID")))
    assert pages[0] == pages[1] and "ID" in pages[0][1] and "not in your scope" in pages[0][1]
    assert pdfs[0] == pdfs[1] == (403, "text/plain; charset=utf-8", "team 'ID' is not in your scope\n")
    # their own team's packet is a PDF
    own = principal.get(base + "/export/team-packet.pdf", params={"team": f"BLT:{SCHOOL}"}, timeout=120)
    assert own.status_code == 200 and own.content.startswith(b"%PDF")
