"""dashboards/app.py's frame callback: the top bar (links, the user, the banner) that every page
change asks for. Its links and banner are kept per access until the next load; the user's name
and logout token are the request's own."""
import os
import re
import shutil

import pytest

from dashboards import auth
from dashboards.queries import cache
from tests.unit.dashboard_fixture import build_dashboard_warehouse, hours_ago, record_loads

PASSWORD = "a long passphrase"
SEARCH = "?level=school&entity=S1&year=2026"


@pytest.fixture(scope="module")
def client_for(tmp_path_factory):
    """A signed-in test client of the dashboard over the fixture district, per user name (one app
    per module: Dash registers the pages' callbacks with the first app made)."""
    from dashboards.app import create_app

    folder = tmp_path_factory.mktemp("frame")
    warehouse = build_dashboard_warehouse(folder / "warehouse.duckdb")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALIGNBOARD_USERS", str(folder / "users.yaml"))
        auth.add_user("ana", "district", PASSWORD, students=True)
        auth.add_user("pat", "school:S1", PASSWORD)
        cache.clear_cache()
        server = create_app(warehouse).server
        yield signed_in_as(server), warehouse


def signed_in_as(server):
    def signed_in(name):
        client = server.test_client()
        form = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        assert client.post("/login", data={"username": name, "password": PASSWORD, "next": "/",
                                           "csrf_token": token}).status_code == 302
        return client

    return signed_in


def top_bar(client, pathname="/", search=SEARCH) -> dict:
    answer = client.post("/_dash-update-component", json={
        "output": "..nav.children...user.children...banner.children..",
        "outputs": [{"id": "nav", "property": "children"}, {"id": "user", "property": "children"},
                    {"id": "banner", "property": "children"}],
        "inputs": [{"id": "url", "property": "pathname", "value": pathname},
                   {"id": "url", "property": "search", "value": search}],
        "changedPropIds": ["url.pathname"]})
    assert answer.status_code == 200
    return answer.get_json()["response"]


def labels(nav: list) -> list:
    return [link["props"]["children"] for link in nav]


def test_each_access_gets_its_own_links_and_each_user_their_own_name(client_for):
    signed_in, _ = client_for
    ana, pat = signed_in("ana"), signed_in("pat")
    for _ in range(2):  # the second time from the cache
        analyst, principal = top_bar(ana), top_bar(pat)
        # student search only for a login with student access, in the fifth place
        assert labels(analyst["nav"]["children"])[4:6] == ["Early warning", "Find a student"]
        assert "Find a student" not in labels(principal["nav"]["children"])
        assert analyst["user"]["children"][0]["props"]["children"] == "Signed in as ana"
        assert principal["user"]["children"][0]["props"]["children"] == "Signed in as pat"
    # the links keep the view's school and year; the one of the current page is marked
    scorecard = analyst["nav"]["children"][0]["props"]
    assert scorecard["href"] == "/?level=school&entity=S1&year=2026" and scorecard["className"] == "active"
    plans = top_bar(ana, "/plans", "")["nav"]["children"]
    assert [link["props"]["children"] for link in plans if link["props"]["className"] == "active"] == ["Plans"]


def publish(warehouse, loads: list[tuple]) -> None:
    """A load: a build copy with these load records, renamed over the published file."""
    build = warehouse.with_name("warehouse.duckdb.build-1")
    shutil.copyfile(warehouse, build)
    record_loads(build, loads)
    os.replace(build, warehouse)


def test_the_banner_follows_the_next_load(client_for):
    signed_in, warehouse = client_for
    ana = signed_in("ana")
    publish(warehouse, [("students", "loaded", 12, 12, 0, "{}", None, hours_ago(1))])
    assert top_bar(ana)["banner"]["children"] == []  # loaded an hour ago: nothing to say
    # the next load rejects a file: the new version of the warehouse is drawn again at once
    publish(warehouse, [("students", "rejected", 12, 0, 0, "{}", "bad header", hours_ago(0.5)),
                        ("students", "loaded", 12, 12, 0, "{}", None, hours_ago(1))])
    banner = top_bar(ana)["banner"]["children"]
    assert banner[0]["props"]["children"].startswith("⚠ rejected at the last load")
