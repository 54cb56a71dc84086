"""Who may use the dashboard: a users file, Flask-Login, and the HTTP export.

- Users live in a YAML file (`$ALIGNBOARD_USERS`, default data/users.yaml) with werkzeug password
  hashes; `alignboard users` edits it. Each user has one scope (LEVEL or LEVEL:ENTITY_ID) and may
  or may not see student-level rows in it; the query layer turns that into a `Viewer` and enforces it.
- `install_auth(server)` puts a guard in front of every request of the Flask server: pages, Dash
  callbacks (`/_dash-*`), assets and downloads need a login. Anonymous page requests are sent to
  the plain HTML form at /login; anything else gets 401 and no data.
- Trusted-header mode (`$ALIGNBOARD_TRUSTED_HEADER`, e.g. X-Forwarded-User): the named header is
  taken as the user name without a password, for a single-sign-on proxy. Anyone who can reach
  the server directly can send that header, so it is only safe when the proxy is the only way in
  and strips the header from clients. The user must still be in the users file.
"""
from __future__ import annotations

import html
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import flask
import yaml
from flask_login import LoginManager, current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from dashboards import queries
from data_contracts.vocabulary import ORG_LEVELS

log = logging.getLogger("alignboard.access")

OPEN_PATHS = ("/login", "/logout")


class UsersFileError(Exception):
    """The users file cannot be read or a user request is invalid; the message is one line."""


@dataclass(frozen=True)
class User:
    """A dashboard user (Flask-Login's user object)."""

    name: str
    level: str
    entity_id: str | None
    may_see_students: bool
    password_hash: str

    # Flask-Login's protocol
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.name

    @property
    def scope(self) -> str:
        return self.level if self.entity_id is None else f"{self.level}:{self.entity_id}"

    @property
    def viewer(self) -> queries.Viewer:
        return queries.Viewer(self.level, self.entity_id, self.may_see_students, user=self.name)


def users_path() -> Path:
    return Path(os.environ.get("ALIGNBOARD_USERS", "data/users.yaml"))


def parse_scope(text: str) -> tuple[str, str | None]:
    """'school:S1' -> ('school', 'S1'); 'district' -> ('district', None) = every district."""
    level, _, entity_id = text.partition(":")
    level, entity_id = level.strip(), entity_id.strip() or None
    if level not in ORG_LEVELS:
        raise UsersFileError(f"a scope is LEVEL[:ENTITY_ID] with LEVEL one of {', '.join(ORG_LEVELS)}, not {text!r}")
    if entity_id is None and level != "district":
        raise UsersFileError(f"scope {text!r} needs an entity id ({level}:ID)")
    return level, entity_id


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
        users[str(name)] = User(str(name), level, entity_id, bool(entry.get("students", False)),
                                str(entry["password_hash"]))
    return users


def save_users(users: dict[str, User], path: str | Path | None = None) -> None:
    """Write the file atomically (a reader never sees half a file), readable by its owner only."""
    path = Path(path) if path is not None else users_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"users": {u.name: {"scope": u.scope, "students": u.may_see_students,
                                   "password_hash": u.password_hash} for u in users.values()}}
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        yaml.safe_dump(document, out, sort_keys=True)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def add_user(name: str, scope: str, password: str, students: bool = False,
             path: str | Path | None = None) -> User:
    """Add or replace a user (werkzeug's salted scrypt hash, never the password itself)."""
    if not name or any(c.isspace() for c in name) or ":" in name:
        raise UsersFileError(f"a user name is one word without ':', not {name!r}")
    if not password:
        raise UsersFileError("the password is empty")
    level, entity_id = parse_scope(scope)
    users = load_users(path)
    users[name] = User(name, level, entity_id, students, generate_password_hash(password))
    save_users(users, path)
    return users[name]


def remove_user(name: str, path: str | Path | None = None) -> None:
    users = load_users(path)
    if name not in users:
        raise UsersFileError(f"no user {name!r} in {Path(path) if path else users_path()}")
    del users[name]
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
            key = (str(path), stat.st_mtime_ns, stat.st_size)
        except OSError:
            key = (str(path), None, None)
        if key != self.key:
            try:
                self.users = load_users(path)
            except UsersFileError as error:
                log.error("%s", error)
                self.users = {}
            self.key = key
        return self.users.get(name)


_users = _UserCache()


def current_viewer() -> queries.Viewer:
    """The logged-in user's Viewer, for a callback or route (the guard already refused anonymous)."""
    if not current_user or not current_user.is_authenticated:
        raise PermissionError("not logged in")
    return current_user.viewer


def current_user_name() -> str | None:
    return current_user.name if current_user and current_user.is_authenticated else None


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
<label for="username">User name</label><input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="login-button">Sign in</button>
</form></main></body></html>
"""


def _safe_next(target: str | None) -> str:
    """Only a path on this server (no open redirect to another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(message: str = "", next_path: str = "/", status: int = 200) -> flask.Response:
    body = LOGIN_PAGE.format(message=f'<p class="error" role="alert">{html.escape(message)}</p>' if message else "",
                             next=html.escape(next_path, quote=True))
    return flask.Response(body, status=status, mimetype="text/html")


def install_auth(server: flask.Flask, warehouse: str | Path | None = None) -> None:
    """Login, logout, the export route (reading `warehouse`, default the query layer's) and the guard in
    front of everything else."""
    if not server.secret_key:
        # several workers (gunicorn) must share one key, or a login holds for one worker only
        server.secret_key = os.environ.get("ALIGNBOARD_SECRET_KEY") or secrets.token_hex(32)
    server.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    server.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    manager = LoginManager()
    manager.init_app(server)
    manager.user_loader(_users.get)
    trusted_header = os.environ.get("ALIGNBOARD_TRUSTED_HEADER")
    if trusted_header:
        @manager.request_loader
        def from_header(request: flask.Request) -> User | None:
            name = request.headers.get(trusted_header)
            user = _users.get(name) if name else None
            if name and user is None:
                log.warning("refused: trusted header %s names unknown user %r", trusted_header, name)
            return user

    @server.before_request
    def require_login():
        if flask.request.path in OPEN_PATHS or current_user.is_authenticated:
            return None
        path = flask.request.path
        if flask.request.method == "GET" and not path.startswith(("/_dash-", "/export/", "/_reload-hash")) \
                and "text/html" in flask.request.headers.get("Accept", ""):
            return flask.redirect(f"/login?next={flask.request.full_path.rstrip('?')}")
        return flask.Response("login required\n", status=401, mimetype="text/plain")

    @server.route("/login", methods=["GET", "POST"])
    def login():
        if flask.request.method == "GET":
            return _login_page(next_path=_safe_next(flask.request.args.get("next")))
        name = flask.request.form.get("username", "").strip()
        password = flask.request.form.get("password", "")
        next_path = _safe_next(flask.request.form.get("next"))
        user = _users.get(name)
        if user is None or not check_password_hash(user.password_hash, password):
            log.warning("refused: failed login for user %r from %s", name, flask.request.remote_addr)
            return _login_page("Wrong user name or password.", next_path, status=401)
        login_user(user)
        return flask.redirect(next_path)

    @server.route("/logout", methods=["GET", "POST"])
    def logout():
        logout_user()
        return flask.redirect("/login")

    @server.route("/export/metrics.csv")
    def export_metrics():
        return export_response(current_viewer(), flask.request.args, warehouse)


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
                                      metric=args.get("metric") or None, year=year, group=args.get("group") or None)
    except queries.AccessDenied as error:
        return flask.Response(f"{error}\n", status=403, mimetype="text/plain")
    except queries.DataError as error:
        return flask.Response(f"{error}\n", status=400, mimetype="text/plain")
    return flask.Response(text, mimetype="text/csv",
                          headers={"Content-Disposition": "attachment; filename=metrics.csv",
                                   "Cache-Control": "no-store"})
