"""The login holds: where it sends you after sign-in, its cookie, logout, CSRF, and the headers of
every answer; against `alignboard dashboard` on 127.0.0.1, through plain HTTP."""
from __future__ import annotations

import base64
import hashlib
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from dashboards.auth import add_user
from pipelines.cli import main
from tests.security.conftest import frame, logout_button

# These tests fail no login from 127.0.0.1 (the module's one server would start throttling at 5).
HTML = {"Accept": "text/html"}

OFF_SITE = (
    "/\t/evil.example",          # a browser drops the tab: //evil.example, another site
    "//evil.example/x",
    "https://evil.example/",
    "/\\evil.example",           # some browsers read a backslash as a slash
    "/ /evil.example",
    "/x\r\nSet-Cookie: a=b",
    "javascript:alert(1)",
    "evil.example",
)


@pytest.mark.parametrize("target", OFF_SITE, ids=repr)
def test_a_next_that_is_not_a_path_of_this_site_sends_you_home(site, target):
    session = requests.Session()
    page = session.get(site.url("/login"), params={"next": target})
    assert 'name="next" value="/"' in page.text
    fields = site.form(session)
    answer = session.post(site.url("/login"), allow_redirects=False,
                          data={**fields, "username": "pat", "password": site.passwords["pat"], "next": target})
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


def test_the_tab_trick_of_the_finding_does_not_redirect_off_site(site):
    """`/login?next=/%09/evil.example`, as sent by a link in an e-mail."""
    session = requests.Session()
    page = session.get(site.url("/login?next=/%09/evil.example"))
    (next_value,) = re.findall(r'name="next" value="([^"]*)"', page.text)
    assert next_value == "/"


def test_a_deep_link_survives_sign_in_with_every_parameter(site):
    deep = "/metric?level=school&entity=01001&metric=attendance_rate&year=2026&group=race_ethnicity%3Ablack"
    session = requests.Session()
    first = session.get(site.url(deep), headers=HTML, allow_redirects=False)
    assert first.status_code == 302
    login_url = urlsplit(first.headers["Location"])
    # next is one encoded parameter: the deep link's own & and = are inside it
    assert login_url.path == "/login" and parse_qs(login_url.query) == {"next": [deep]}
    fields = site.form(session, first.headers["Location"])
    assert fields["next"] == deep
    answer = session.post(site.url("/login"), allow_redirects=False,
                          data={"csrf_token": fields["csrf_token"], "next": deep, "username": "pat",
                                "password": site.passwords["pat"]})
    assert answer.status_code == 302 and answer.headers["Location"] == deep


def test_the_session_cookie_is_same_site_lax_and_http_only(site):
    cookie = requests.get(site.url("/login")).headers["Set-Cookie"]
    attributes = {a.strip().split("=")[0].lower(): a.strip() for a in cookie.split(";")[1:]}
    assert attributes["samesite"] == "SameSite=Lax" and "httponly" in attributes
    assert "secure" not in attributes  # plain HTTP here; ALIGNBOARD_SECURE_COOKIES=1 adds it


def test_logout_ends_a_copied_session_cookie_too(site):
    session = requests.Session()
    assert site.login(session, "ana").status_code == 302
    copy = requests.Session()
    copy.cookies.update(session.cookies)
    assert site.signed_in(copy)
    answer = site.logout(session)  # the top bar's "Log out" form
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    assert not site.signed_in(session) and not site.signed_in(copy)
    assert site.login(requests.Session(), "ana").status_code == 302  # and ana may sign in again


def test_the_logout_control_is_a_post_form_with_a_token(site):
    session = requests.Session()
    site.login(session, "pat")
    button = logout_button(frame(site, session))
    assert button["method"] == "POST" and button["action"] == "/logout" and button["name"] == "csrf_token"
    assert button["value"]


def test_get_logout_does_not_sign_out(site):
    session = requests.Session()
    site.login(session, "pat")
    assert session.get(site.url("/logout"), allow_redirects=False).status_code == 405
    assert site.signed_in(session)
    # a POST without the token does not either
    assert session.post(site.url("/logout"), allow_redirects=False).status_code == 400
    assert site.signed_in(session)


def test_a_login_without_the_forms_csrf_token_is_refused(site):
    session = requests.Session()
    bare = session.post(site.url("/login"), allow_redirects=False,
                        data={"username": "pat", "password": site.passwords["pat"], "next": "/"})
    assert bare.status_code == 400 and not site.signed_in(session)
    # a token drawn for another browser's form is no good either
    other = site.form(requests.Session())["csrf_token"]
    site.form(session)
    stolen = session.post(site.url("/login"), allow_redirects=False,
                          data={"csrf_token": other, "username": "pat", "password": site.passwords["pat"]})
    assert stolen.status_code == 400 and not site.signed_in(session)


def test_pages_callbacks_logins_and_exports_are_never_stored(site):
    session = requests.Session()
    assert session.get(site.url("/login")).headers["Cache-Control"] == "no-store"
    site.login(session, "pat")
    answers = {
        "page": session.get(site.url("/?level=school&entity=01001"), headers=HTML),
        "layout": session.get(site.url("/_dash-layout")),
        "callback": frame(site, session),
        "export": session.get(site.url("/export/metrics.csv?metric=attendance_rate&level=school&entity=01001")),
    }
    for what, answer in answers.items():
        assert answer.status_code == 200, what
        assert answer.headers["Cache-Control"] == "no-store", what


def test_every_answer_forbids_framing_and_runs_only_dashs_own_inline_scripts(site):
    session = requests.Session()
    site.login(session, "pat")
    page = session.get(site.url("/"), headers=HTML)
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'" and page.headers["X-Frame-Options"] == "DENY"
    sources = policy["script-src"].split()
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    # each inline script the page runs is allowed by its own hash, worked out here from its text
    # (a script inside an HTML comment, Dash's Internet Explorer notice, never runs)
    markup = re.sub(r"<!--.*?-->", "", page.text, flags=re.S)
    inline = [body for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", markup, re.S)
              if "src=" not in attributes and "application/json" not in attributes]
    assert inline
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in sources
    login_page = requests.get(site.url("/login"))
    assert "frame-ancestors 'none'" in login_page.headers["Content-Security-Policy"]


def _users_add(monkeypatch, site, district, name, password):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["users", "add", name, "--scope", "school:01001", "--password-stdin", "--file", str(site.users),
                 "--warehouse", str(district)])


def test_a_new_password_ends_every_session_of_the_user(site, district, monkeypatch):
    add_user("lee", "school:01001", "lee-password-2026", path=site.users)
    session = requests.Session()
    assert site.login(session, "lee", "lee-password-2026").status_code == 302 and site.signed_in(session)
    assert _users_add(monkeypatch, site, district, "lee", "lee-password-2027") == 0
    assert not site.signed_in(session)
    assert site.login(requests.Session(), "lee", "lee-password-2027").status_code == 302


def test_removing_a_user_ends_their_sessions_even_when_they_are_added_again(site, district, monkeypatch):
    add_user("kim", "school:01001", "kim-password-2026", path=site.users)
    session = requests.Session()
    site.login(session, "kim", "kim-password-2026")
    assert site.signed_in(session)
    assert main(["users", "remove", "kim", "--file", str(site.users)]) == 0
    assert not site.signed_in(session)
    assert _users_add(monkeypatch, site, district, "kim", "kim-password-2026") == 0  # the same name and password
    assert not site.signed_in(session)
