"""Who may use the dashboard: a users file, Flask-Login, and the HTTP exports (metrics CSV, a team's packet PDF,
a file's quarantined rows).

- Users live in a YAML file (`$ALIGNBOARD_USERS`, default data/users.yaml) with werkzeug password
  hashes; `alignboard users` edits it. Each user has one scope (LEVEL or LEVEL:ENTITY_ID) and may
  or may not see student-level rows in it; the query layer turns that into a `Viewer` and enforces it.
  Each user also has a session version, kept in the same file so that every server process
  (gunicorn workers) sees it: a session cookie names it, and a logout, a new password or the
  user's removal changes it, which ends every copy of every session of that user.
- `install_auth(server)` puts a guard in front of every request of the Flask server: pages, Dash
  callbacks (`/_dash-*`), assets and downloads need a login. Anonymous page requests are sent to
  the plain HTML form at /login (with a CSRF token, throttled per name and per address; see
  dashboards/throttle.py); anything else gets 401 and no data. Logout is a POST with the token.
- Trusted-header mode (`$ALIGNBOARD_TRUSTED_HEADER`, e.g. X-Forwarded-User): the named header is
  taken as the user name without a password, for a single-sign-on proxy. Anyone who can reach
  the server directly could send that header, so the server refuses to start in that mode unless
  it listens on loopback only or `$ALIGNBOARD_TRUSTED_PROXIES` lists the proxy's addresses (then
  the header counts only on requests from them). The user must still be in the users file.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import hmac
import html
import ipaddress
import logging
import os
import re
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import flask
import yaml
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms.validators import ValidationError

from dashboards import queries
from dashboards.throttle import LoginThrottle
from data_contracts.vocabulary import SCOPE_LEVELS, STATE

log = logging.getLogger("alignboard.access")

OPEN_PATHS = ("/login", "/logout")
MIN_PASSWORD_LENGTH = 12


class UsersFileError(Exception):
    """The users file cannot be read or a user request is invalid; the message is one line."""


class AuthConfigError(Exception):
    """The server's login settings are unsafe or unreadable; it must not start. One line."""


@dataclass(frozen=True)
class User:
    """A dashboard user (Flask-Login's user object)."""

    name: str
    level: str
    entity_id: str | None
    may_see_students: bool
    password_hash: str
    session: str  # the session version: a session cookie holds it, changing it ends every session

    # Flask-Login's protocol
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.name}:{self.session}"

    @property
    def scope(self) -> str:
        return self.level if self.entity_id is None else f"{self.level}:{self.entity_id}"

    @property
    def viewer(self) -> queries.Viewer:
        return queries.Viewer(self.level, self.entity_id, self.may_see_students, user=self.name)


def users_path() -> Path:
    return Path(os.environ.get("ALIGNBOARD_USERS", "data/users.yaml"))


def parse_scope(text: str) -> tuple[str, str | None]:
    """'school:S1' -> ('school', 'S1'); 'district' -> ('district', None) = every district;
    'state' -> ('state', None) = every district and the state's own rows (a state warehouse)."""
    level, _, entity_id = text.partition(":")
    level, entity_id = level.strip(), entity_id.strip() or None
    if level not in SCOPE_LEVELS:
        raise UsersFileError(f"a scope is LEVEL[:ENTITY_ID] with LEVEL one of {', '.join(SCOPE_LEVELS)}, not {text!r}")
    if entity_id is None and level not in ("district", STATE):
        raise UsersFileError(f"scope {text!r} needs an entity id ({level}:ID)")
    if entity_id is not None and level == STATE:
        raise UsersFileError(f"scope {text!r}: a state warehouse holds one state, so the state scope is `state`, "
                             "without an id")
    return level, entity_id


def check_password(password: str) -> None:
    """A password of at least MIN_PASSWORD_LENGTH characters (`alignboard users add` asks this)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsersFileError(f"the password has {len(password)} characters; it needs at least {MIN_PASSWORD_LENGTH}")


def _new_session() -> str:
    return secrets.token_hex(8)


def load_users(path: str | Path | None = None) -> dict[str, User]:
    """Every user of the file; a missing file has none."""
    path = Path(path) if path is not None else users_path()
    if not path.is_file():
        return {}
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise UsersFileError(f"{path}: cannot read the users file: {str(error).splitlines()[0]}") from None
    entries = document.get("users") if isinstance(document, dict) else None
    if not isinstance(entries, dict):
        raise UsersFileError(f"{path}: expected a mapping 'users:' of name -> scope, students, password_hash")
    users = {}
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not entry.get("scope") or not entry.get("password_hash"):
            raise UsersFileError(f"{path}: user {name!r} needs scope and password_hash")
        level, entity_id = parse_scope(str(entry["scope"]))
        password_hash = str(entry["password_hash"])
        # a file written before session versions: one derived from the hash, so that cookies
        # made before it (which name no version) no longer match
        session = str(entry.get("session") or hashlib.sha256(password_hash.encode()).hexdigest()[:16])
        users[str(name)] = User(str(name), level, entity_id, bool(entry.get("students", False)),
                                password_hash, session)
    return users


def save_users(users: dict[str, User], path: str | Path | None = None) -> None:
    """Write the file atomically (a reader never sees half a file), readable by its owner only."""
    path = Path(path) if path is not None else users_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"users": {u.name: {"scope": u.scope, "students": u.may_see_students,
                                   "password_hash": u.password_hash, "session": u.session}
                          for u in users.values()}}
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        yaml.safe_dump(document, out, sort_keys=True)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


@contextlib.contextmanager
def _editing(path: str | Path | None):
    """The users file's lock, held while it is read, changed and written: the CLI and every
    server process (a logout) write it, and none may lose another's change."""
    path = Path(path) if path is not None else users_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_fd = os.open(f"{path}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        yield path
    finally:
        os.close(lock_fd)


def add_user(name: str, scope: str, password: str, students: bool = False,
             path: str | Path | None = None) -> User:
    """Add or replace a user (werkzeug's salted scrypt hash, never the password itself). Replacing
    one gives it a new session version: every session of the old entry ends."""
    if not name or any(c.isspace() for c in name) or ":" in name:
        raise UsersFileError(f"a user name is one word without ':', not {name!r}")
    if not password:
        raise UsersFileError("the password is empty")
    level, entity_id = parse_scope(scope)
    with _editing(path) as path:
        users = load_users(path)
        users[name] = User(name, level, entity_id, students, generate_password_hash(password), _new_session())
        save_users(users, path)
    return users[name]


def remove_user(name: str, path: str | Path | None = None) -> None:
    with _editing(path) as path:
        users = load_users(path)
        if name not in users:
            raise UsersFileError(f"no user {name!r} in {path}")
        del users[name]
        save_users(users, path)


def end_sessions(name: str, path: str | Path | None = None) -> None:
    """A new session version for `name`: every session cookie of theirs stops working."""
    with _editing(path) as path:
        users = load_users(path)
        if name in users:
            users[name] = replace(users[name], session=_new_session())
            save_users(users, path)


class _UserCache:
    """The users file, re-read when it changes (so `alignboard users add` works without a restart)."""

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.users: dict[str, User] = {}

    def get(self, name: str) -> User | None:
        path = users_path()
        try:
            stat = path.stat()
            key = (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except OSError:
            key = (str(path), None, None, None)
        if key != self.key:
            try:
                self.users = load_users(path)
            except UsersFileError as error:
                log.error("%s", error)
                self.users = {}
            self.key = key
        return self.users.get(name)

    def from_session(self, user_id: str) -> User | None:
        """The user a session cookie names, if its session version is still theirs."""
        name, _, session = user_id.partition(":")
        user = self.get(name)
        if user is None or not hmac.compare_digest(user.session, session):
            return None
        return user


_users = _UserCache()


def current_viewer() -> queries.Viewer:
    """The logged-in user's Viewer, for a callback or route (the guard already refused anonymous)."""
    if not current_user or not current_user.is_authenticated:
        raise PermissionError("not logged in")
    return current_user.viewer


def current_user_name() -> str | None:
    return current_user.name if current_user and current_user.is_authenticated else None


def csrf_token() -> str:
    """The token a form that POSTs to this server carries (the login form, the logout button)."""
    return generate_csrf()


LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Alignboard: sign in</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #f5f6f8; margin: 0; }}
main {{ max-width: 22rem; margin: 12vh auto; background: #fff; padding: 2rem; border-radius: 8px;
        box-shadow: 0 1px 4px rgba(0,0,0,.15); }}
h1 {{ font-size: 1.4rem; margin-top: 0; }}
label {{ display: block; margin: .8rem 0 .3rem; }}
input {{ width: 100%; padding: .5rem; box-sizing: border-box; font-size: 1rem; }}
button {{ margin-top: 1.2rem; width: 100%; padding: .6rem; font-size: 1rem; background: #0072b2;
          color: #fff; border: 0; border-radius: 4px; cursor: pointer; }}
.error {{ color: #a00; }}
</style></head>
<body><main>
<h1>Alignboard</h1>
{message}
<form method="post" action="/login">
<input type="hidden" name="next" value="{next}">
<input type="hidden" name="csrf_token" value="{csrf}">
<label for="username">User name</label><input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="login-button">Sign in</button>
</form></main></body></html>
"""


def safe_next(target: str | None) -> str:
    """`target` if it is a path on this server, else '/': no scheme or host, no backslash, no
    control character or whitespace (browsers drop a tab, so '/\\t/evil.example' would become
    '//evil.example', another site)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if any(c == "\\" or c.isspace() or unicodedata.category(c)[0] in "CZ" for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def _login_page(message: str = "", next_path: str = "/", status: int = 200,
                headers: dict | None = None) -> flask.Response:
    body = LOGIN_PAGE.format(message=f'<p class="error" role="alert">{html.escape(message)}</p>' if message else "",
                             next=html.escape(next_path, quote=True), csrf=html.escape(csrf_token(), quote=True))
    return flask.Response(body, status=status, mimetype="text/html", headers=headers)


def _networks(text: str) -> tuple:
    """'10.0.0.5, 10.1.0.0/16' -> the networks; a bad entry stops the server."""
    networks = []
    for item in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise AuthConfigError(f"ALIGNBOARD_TRUSTED_PROXIES: {item!r} is not an IP address or network") from None
    return tuple(networks)


def _listed(address: str | None, networks: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


@functools.cache
def _dummy_hash() -> str:
    """A hash checked for an unknown name, so that it costs the time a real name's check does."""
    return generate_password_hash(secrets.token_hex(16))


def install_auth(server: flask.Flask, warehouse: str | Path | None = None, host: str | None = None) -> None:
    """Login, logout, the export route (reading `warehouse`, default the query layer's) and the guard in
    front of everything else. `host`: the address the server listens on (None: not known, as
    under gunicorn), which trusted-header mode needs to be loopback unless proxies are listed."""
    if not server.secret_key:
        # several workers (gunicorn) must share one key, or a login holds for one worker only
        server.secret_key = os.environ.get("ALIGNBOARD_SECRET_KEY") or secrets.token_hex(32)
    server.config["SESSION_COOKIE_HTTPONLY"] = True
    server.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    server.config["SESSION_COOKIE_SECURE"] = os.environ.get("ALIGNBOARD_SECURE_COOKIES") == "1"
    server.config["WTF_CSRF_TIME_LIMIT"] = None  # the token lives as long as the session
    proxies = _networks(os.environ.get("ALIGNBOARD_TRUSTED_PROXIES", ""))
    throttle = LoginThrottle()
    _dummy_hash()
    manager = LoginManager()
    manager.init_app(server)
    manager.user_loader(_users.from_session)

    def client_address() -> str:
        """The client's address: behind a listed proxy, the last X-Forwarded-For entry it added."""
        remote = flask.request.remote_addr or ""
        if proxies and _listed(remote, proxies):
            forwarded = flask.request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
            return forwarded or remote
        return remote

    trusted_header = os.environ.get("ALIGNBOARD_TRUSTED_HEADER")
    if trusted_header:
        if not proxies and not _loopback(host):
            where = f"listens on {host}" if host else "may listen on any address (gunicorn)"
            raise AuthConfigError(
                f"ALIGNBOARD_TRUSTED_HEADER={trusted_header} but the server {where}: anyone who reaches it "
                "could name any user; listen on 127.0.0.1 behind the proxy, or list the proxy's "
                "addresses in ALIGNBOARD_TRUSTED_PROXIES")
        log.warning("trusted-header mode: a request whose %s header names a user is signed in as that user "
                    "without a password, from %s", trusted_header,
                    ", ".join(map(str, proxies)) if proxies else f"any client of {host} (loopback)")

        @manager.request_loader
        def from_header(request: flask.Request) -> User | None:
            name = request.headers.get(trusted_header)
            if not name:
                return None
            if proxies and not _listed(request.remote_addr, proxies):
                log.warning("refused: trusted header %s from %s, not a listed proxy", trusted_header,
                            request.remote_addr)
                return None
            user = _users.get(name)
            if user is None:
                log.warning("refused: trusted header %s names unknown user %r", trusted_header, name)
            return user

    @server.before_request
    def require_login():
        if flask.request.path in OPEN_PATHS or current_user.is_authenticated:
            return None
        path = flask.request.path
        if flask.request.method == "GET" and not path.startswith(("/_dash-", "/export/", "/_reload-hash")) \
                and "text/html" in flask.request.headers.get("Accept", ""):
            # the path as sent, query and all, as one encoded parameter: a deep link keeps every key
            query = flask.request.query_string.decode("latin-1")
            target = quote(path) + (f"?{query}" if query else "")
            return flask.redirect("/login?" + urlencode({"next": target}))
        return flask.Response("login required\n", status=401, mimetype="text/plain")

    @server.route("/login", methods=["GET", "POST"])
    def login():
        if flask.request.method == "GET":
            return _login_page(next_path=safe_next(flask.request.args.get("next")))
        form = flask.request.form
        next_path = safe_next(form.get("next"))
        try:
            validate_csrf(form.get("csrf_token"))
        except ValidationError:
            return _login_page("This sign-in form has expired; please sign in again.", next_path, status=400)
        name, password = form.get("username", "").strip(), form.get("password", "")
        keys = (f"name:{name}", f"address:{client_address()}")
        wait = throttle.retry_after(*keys)
        if wait:
            log.warning("refused: sign-in of user %r from %s throttled for %d s", name, client_address(), wait)
            return _login_page(f"Too many failed sign-ins. Try again in {wait} seconds.", next_path,
                               status=429, headers={"Retry-After": str(wait)})
        user = _users.get(name)
        # an unknown name costs one hash check too, and gets the same answer
        matches = check_password_hash(user.password_hash if user else _dummy_hash(), password)
        if user is None or not matches:
            throttle.failed(*keys)
            log.warning("refused: failed login for user %r from %s", name, client_address())
            return _login_page("Wrong user name or password.", next_path, status=401)
        throttle.succeeded(keys[0])
        login_user(user)
        return flask.redirect(next_path)

    @server.route("/logout", methods=["GET", "POST"])
    def logout():
        if flask.request.method == "GET":  # a link or an image must not sign anyone out
            return flask.Response("sign out with the Log out button (a POST with its form's token)\n",
                                  status=405, mimetype="text/plain", headers={"Allow": "POST"})
        try:
            validate_csrf(flask.request.form.get("csrf_token"))
        except ValidationError:
            return flask.Response("this sign-out form has expired; reload the page and sign out again\n",
                                  status=400, mimetype="text/plain")
        if current_user.is_authenticated:
            try:
                end_sessions(current_user.name)
            except (OSError, UsersFileError) as error:
                log.error("logout of %r cannot end their other sessions: %s", current_user.name, error)
        logout_user()
        flask.session.clear()
        return flask.redirect("/login")

    @server.route("/export/metrics.csv")
    def export_metrics():
        return export_response(current_viewer(), flask.request.args, warehouse)

    @server.route("/export/team-packet.pdf")
    def export_team_packet():
        return packet_response(current_viewer(), flask.request.args, warehouse)

    @server.route("/export/quarantine.csv")
    def export_quarantine():
        return quarantine_response(current_viewer(), flask.request.args, warehouse)


def _period(text: str | None) -> str | None:
    """The export's period: the school year unless asked (`all`: every period)."""
    if not text:
        return "year"
    return None if text == "all" else text


def export_response(viewer: queries.Viewer, args, warehouse: str | Path | None = None) -> flask.Response:
    """GET /export/metrics.csv?level=&entity=&metric=&year=&group=: the rows of `alignboard export
    metrics` the viewer may see (403 outside scope, 400 for a bad request; no rows either way)."""
    year = args.get("year") or None
    if year is not None:
        try:
            year = int(year)
        except ValueError:
            return flask.Response(f"year must be a school year such as 2026, not {year!r}\n", status=400,
                                  mimetype="text/plain")
    try:
        text = queries.metric_values_csv(viewer, warehouse=warehouse, level=args.get("level") or None, entity=args.get("entity") or None,
                                      metric=args.get("metric") or None, year=year, group=args.get("group") or None,
                                      period=_period(args.get("period")))
    except queries.AccessDenied as error:
        return flask.Response(f"{error}\n", status=403, mimetype="text/plain")
    except queries.DataError as error:
        return flask.Response(f"{error}\n", status=400, mimetype="text/plain")
    return flask.Response(text, mimetype="text/csv",
                          headers={"Content-Disposition": "attachment; filename=metrics.csv",
                                   "Cache-Control": "no-store"})


def packet_response(viewer: queries.Viewer, args, warehouse: str | Path | None = None) -> flask.Response:
    """GET /export/team-packet.pdf?team=ID: the meeting packet of `alignboard report team ID --out
    FILE.pdf` as of today, as this viewer may see it (403 for a team outside the scope or unknown,
    400 for a bad request; no packet either way)."""
    from assets.plans.packet import pdf_bytes

    try:
        team = queries.check_team_id(args.get("team"))
        packet = queries.team_packet(viewer, team, dt.date.today(), warehouse=warehouse)
    except queries.AccessDenied as error:
        return flask.Response(f"{error}\n", status=403, mimetype="text/plain")
    except queries.DataError as error:
        return flask.Response(f"{error}\n", status=400, mimetype="text/plain")
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", team).strip("-") or "team"
    return flask.Response(pdf_bytes(packet), mimetype="application/pdf",
                          headers={"Content-Disposition": f"attachment; filename={name}-packet.pdf",
                                   "Cache-Control": "no-store"})


def quarantine_response(viewer: queries.Viewer, args, warehouse: str | Path | None = None) -> flask.Response:
    """GET /export/quarantine.csv?file=&reason=: a landing file's quarantined rows as `alignboard
    quarantine FILE --reason CODE` writes them, those of the viewer's scope (403 without student
    access, 400 for a name that is not a landing file; no rows either way)."""
    file, reason = args.get("file") or "", args.get("reason") or None
    try:
        text = queries.quarantined_rows_csv(viewer, file, reason, warehouse=warehouse)
    except queries.AccessDenied as error:
        return flask.Response(f"{error}\n", status=403, mimetype="text/plain")
    except queries.DataError as error:
        return flask.Response(f"{error}\n", status=400, mimetype="text/plain")
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", "_".join(filter(None, ("quarantine", Path(file).stem, reason)))).strip("-")
    return flask.Response(text, mimetype="text/csv",
                          headers={"Content-Disposition": f"attachment; filename={name}.csv",
                                   "Cache-Control": "no-store"})
