"""Trusted-header mode (a single-sign-on proxy names the user) cannot be switched on where anyone
could send the header: the server refuses to start unless it listens on loopback or the proxy's
addresses are listed, and then the header counts only from them."""
from __future__ import annotations

import subprocess

import requests

HEADER = {"ALIGNBOARD_TRUSTED_HEADER": "X-Forwarded-User"}


def test_trusted_header_mode_refuses_to_start_on_an_open_address(serve):
    site = serve(HEADER, host="0.0.0.0", wait=False)
    try:
        code = site.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        code = None  # it started and serves whoever names a user
    assert code == 2
    lines = site.log.read_text().strip().splitlines()
    assert len(lines) == 1 and "ALIGNBOARD_TRUSTED_PROXIES" in lines[0] and "0.0.0.0" in lines[0]


def test_the_header_counts_only_from_a_listed_proxy(serve):
    listed = serve({**HEADER, "ALIGNBOARD_TRUSTED_PROXIES": "127.0.0.1"}, host="0.0.0.0")
    assert requests.get(listed.url("/_dash-layout"), headers={"X-Forwarded-User": "pat"}).status_code == 200
    elsewhere = serve({**HEADER, "ALIGNBOARD_TRUSTED_PROXIES": "192.0.2.10"})
    assert requests.get(elsewhere.url("/_dash-layout"), headers={"X-Forwarded-User": "pat"}).status_code == 401
    for site in (listed, elsewhere):
        assert "trusted-header mode" in site.log.read_text()


def test_on_loopback_trusted_header_mode_starts_with_a_warning(serve):
    site = serve(HEADER)
    assert requests.get(site.url("/_dash-layout"), headers={"X-Forwarded-User": "pat"}).status_code == 200
    assert requests.get(site.url("/_dash-layout"), headers={"X-Forwarded-User": "mallory"}).status_code == 401
    assert "trusted-header mode" in site.log.read_text() and "without a password" in site.log.read_text()


def test_with_alignboard_secure_cookies_the_cookie_is_secure(serve):
    site = serve({"ALIGNBOARD_SECURE_COOKIES": "1"})
    cookie = requests.get(site.url("/login")).headers["Set-Cookie"]
    attributes = {a.strip().split("=")[0].lower() for a in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite"} <= attributes and "SameSite=Lax" in cookie
