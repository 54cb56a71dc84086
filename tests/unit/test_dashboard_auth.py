"""dashboards/auth.py: the users file, the login, the guard in front of every page, Dash
callback and download, trusted-header mode, and GET /export/metrics.csv per viewer; and the
`alignboard users` command."""
import io
import logging
import re

import dash
import duckdb
import pytest
import yaml
from dash import Input, Output, dcc, html

from dashboards import auth, queries
from pipelines.cli import main
from tests.unit.dashboard_fixture import build_dashboard_warehouse

PASSWORD = "correct horse"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build_dashboard_warehouse(tmp_path_factory.mktemp("auth") / "warehouse.duckdb")


@pytest.fixture
def users(tmp_path, monkeypatch):
    path = tmp_path / "users.yaml"
    monkeypatch.setenv("ALIGNBOARD_USERS", str(path))
    auth.add_user("pat", "school:S1", PASSWORD)
    auth.add_user("ana", "district", PASSWORD, students=True)
    auth.add_user("tia", "classroom:C1", PASSWORD, students=True)
    return path


def make_app(warehouse, monkeypatch, trusted_header=None):
    """A small Dash app with one callback that reads the query layer as the pages do."""
    if trusted_header:
        monkeypatch.setenv("ALIGNBOARD_TRUSTED_HEADER", trusted_header)
    else:
        monkeypatch.delenv("ALIGNBOARD_TRUSTED_HEADER", raising=False)
    app = dash.Dash(__name__)
    app.layout = html.Div([dcc.Input(id="school", value="S1"), html.Div(id="out")])

    @app.callback(Output("out", "children"), Input("school", "value"))
    def show(school):
        card = queries.scorecard(auth.current_viewer(), "school", school, warehouse=warehouse)
        return str(len(card))

    auth.install_auth(app.server, warehouse=warehouse, host="127.0.0.1")
    return app.server.test_client()


def callback_body(school):
    return {"output": "out.children", "outputs": {"id": "out", "property": "children"},
            "inputs": [{"id": "school", "property": "value", "value": school}], "changedPropIds": ["school.value"]}


def token(client):
    """The CSRF token of the login form, as the server drew it for this client's session."""
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)


def login(client, name, password=PASSWORD, next_path="/"):
    return client.post("/login", data={"username": name, "password": password, "next": next_path,
                                       "csrf_token": token(client)})


def test_users_file_keeps_hashes_only(users):
    text = users.read_text()
    assert PASSWORD not in text
    entry = yaml.safe_load(text)["users"]["pat"]
    assert entry["scope"] == "school:S1" and entry["students"] is False
    assert entry["password_hash"].startswith(("scrypt:", "pbkdf2:"))
    loaded = auth.load_users()
    assert loaded["ana"].viewer == queries.Viewer("district", None, True)
    assert loaded["tia"].viewer == queries.Viewer("classroom", "C1", True)
    auth.remove_user("tia")
    assert set(auth.load_users()) == {"pat", "ana"}


def test_bad_scopes_and_files(users, tmp_path):
    with pytest.raises(auth.UsersFileError, match="needs an entity id"):
        auth.add_user("x", "school", PASSWORD)
    with pytest.raises(auth.UsersFileError, match="LEVEL one of"):
        auth.add_user("x", "county:1", PASSWORD)
    bad = tmp_path / "bad.yaml"
    bad.write_text("users:\n  bob: {scope: school:S1}\n")
    with pytest.raises(auth.UsersFileError, match="user 'bob' needs scope and password_hash"):
        auth.load_users(bad)


def test_the_state_scope_has_no_id_and_sees_every_district(users):
    # a state warehouse holds one state: `state` is every district and the state's own rows
    user = auth.add_user("sam", "state", PASSWORD)
    assert (user.scope, user.viewer.level, user.viewer.entity_id) == ("state", "state", None)
    assert auth.load_users()["sam"].scope == "state"
    with pytest.raises(auth.UsersFileError, match="without an id"):
        auth.add_user("x", "state:CA", PASSWORD)
    with pytest.raises(queries.DataError, match="a state-wide viewer has no entity"):
        queries.Viewer("state", "CA")


def test_anonymous_gets_the_login_page_or_401(warehouse, users, monkeypatch):
    client = make_app(warehouse, monkeypatch)
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert client.get("/login").status_code == 200
    for path in ("/_dash-layout", "/_dash-dependencies", "/export/metrics.csv"):
        response = client.get(path)
        assert response.status_code == 401 and b"S1" not in response.data
    response = client.post("/_dash-update-component", json=callback_body("S1"))
    assert response.status_code == 401


def test_login_then_callbacks_are_scoped(warehouse, users, monkeypatch, caplog):
    client = make_app(warehouse, monkeypatch)
    assert login(client, "pat", "wrong").status_code == 401
    response = login(client, "pat", next_path="/?level=school")
    assert response.status_code == 302 and response.headers["Location"] == "/?level=school"
    assert client.get("/_dash-layout").status_code == 200
    ok = client.post("/_dash-update-component", json=callback_body("S1"))
    # one scorecard row per metric of S1's latest year with values
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (metrics,) = con.execute("SELECT count(*) FROM mart.scorecard WHERE entity_id = 'S1' AND school_year = "
                                 "(SELECT max(school_year) FROM mart.scorecard WHERE entity_id = 'S1')").fetchone()
    assert ok.status_code == 200 and f'"children":"{metrics}"' in ok.get_data(as_text=True).replace(" ", "")
    with caplog.at_level(logging.WARNING, logger="alignboard.access"):
        refused = client.post("/_dash-update-component", json=callback_body("S2"))
    assert refused.status_code == 500  # the callback raised AccessDenied: no data went out
    assert any("user='pat'" in r.getMessage() and "school 'S2'" in r.getMessage() for r in caplog.records)
    assert client.get("/logout").status_code == 405  # a link cannot sign anyone out
    assert client.get("/_dash-layout").status_code == 200
    client.post("/logout", data={"csrf_token": token(client)})
    assert client.get("/_dash-layout").status_code == 401


def test_login_never_redirects_to_another_site(warehouse, users, monkeypatch):
    client = make_app(warehouse, monkeypatch)
    assert login(client, "pat", next_path="//evil.example/x").headers["Location"] == "/"


def test_trusted_header_mode(warehouse, users, monkeypatch):
    client = make_app(warehouse, monkeypatch, trusted_header="X-Forwarded-User")
    assert client.get("/_dash-layout", headers={"X-Forwarded-User": "pat"}).status_code == 200
    assert client.get("/_dash-layout", headers={"X-Forwarded-User": "mallory"}).status_code == 401
    plain = make_app(warehouse, monkeypatch)
    assert plain.get("/_dash-layout", headers={"X-Forwarded-User": "pat"}).status_code == 401


def test_export_is_scoped_to_the_viewer(warehouse, users, monkeypatch):
    client = make_app(warehouse, monkeypatch)
    login(client, "pat")
    ok = client.get("/export/metrics.csv?metric=attendance_rate&year=2026&group=all&level=school")
    assert ok.status_code == 200 and ok.mimetype == "text/csv"
    assert ok.get_data(as_text=True) == (",".join(queries.METRIC_VALUE_COLUMNS) + "\n"
                                         "attendance_rate,2,2026,year,school,S1,all,,,,Y,fewer than 10 students,\n")
    forbidden = client.get("/export/metrics.csv?entity=S2")
    assert forbidden.status_code == 403 and "S2" not in forbidden.get_data(as_text=True).split("\n", 1)[1]
    assert client.get("/export/metrics.csv?level=student&entity=s01").status_code == 403
    assert client.get("/export/metrics.csv?year=twenty").status_code == 400


def test_export_for_an_analyst_has_the_values(warehouse, users, monkeypatch):
    client = make_app(warehouse, monkeypatch)
    login(client, "ana")
    text = client.get("/export/metrics.csv?entity=S2&metric=attendance_rate&year=2026&group=all").get_data(as_text=True)
    # S2 in 2026: s07 10 of 10, s08 9 of 10, s09 5 of 6 -> 24 of 26
    assert text.splitlines()[1].startswith("attendance_rate,2,2026,year,school,S2,all,24,26,0.923")


def test_users_command(tmp_path, monkeypatch, capsys, warehouse):
    path = tmp_path / "u.yaml"
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-phrase\n"))
    assert main(["users", "add", "lee", "--scope", "plc:P1", "--password-stdin", "--file", str(path),
                 "--warehouse", str(warehouse)]) == 0
    assert "lee: scope plc:P1, without student-level rows" in capsys.readouterr().out
    assert main(["users", "list", "--file", str(path)]) == 0
    assert "lee" in capsys.readouterr().out and "s3cret" not in path.read_text()
    assert main(["users", "add", "x", "--scope", "plc", "--password-stdin", "--file", str(path)]) == 1
    assert "needs an entity id" in capsys.readouterr().err
    assert main(["users", "remove", "nobody", "--file", str(path)]) == 1
    assert main(["users", "remove", "lee", "--file", str(path)]) == 0
    assert auth.load_users(path) == {}


def test_the_team_packet_pdf_is_the_viewers_and_refused_outside_their_scope(warehouse, users, monkeypatch):
    from pypdf import PdfReader

    client = make_app(warehouse, monkeypatch)
    assert client.get("/export/team-packet.pdf?team=BLT:S1").status_code == 401  # anonymous: no packet
    login(client, "pat")
    ok = client.get("/export/team-packet.pdf?team=BLT:S1")
    assert ok.status_code == 200 and ok.mimetype == "application/pdf"
    assert ok.headers["Cache-Control"] == "no-store"
    assert ok.headers["Content-Disposition"] == "attachment; filename=BLT-S1-packet.pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(ok.data)).pages)
    # BLT S1's last meeting (2025-11-05) and what it agreed
    assert "BLT Maple Elementary: meeting packet" in text and "2025-11-05" in text
    assert "Walkthroughs on learning targets" in text
    # the transportation department's team is outside a principal's scope: the same words as an unknown team
    outside, unknown = client.get("/export/team-packet.pdf?team=OLT:TRN"), client.get("/export/team-packet.pdf?team=X")
    assert (outside.status_code, outside.get_data(as_text=True)) == (403, "team 'OLT:TRN' is not in your scope\n")
    assert (unknown.status_code, unknown.get_data(as_text=True)) == (403, "team 'X' is not in your scope\n")
    assert client.get("/export/team-packet.pdf").status_code == 400
