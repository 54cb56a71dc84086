"""The Dash app: a multi-page app over the query layer (dashboards/queries), behind the login of dashboards/auth.py.

    create_app(warehouse=None) -> dash.Dash     (`alignboard dashboard` serves it)
    server() -> flask.Flask                      (gunicorn 'dashboards.app:server()')

Pages live in dashboards/pages (one module per page, each callback beside its layout), shared
pieces in dashboards/components, CSS in dashboards/static: passed explicitly as assets_folder,
because the top-level `assets/` folder is the pipeline's Python package, not the app's CSS.
The URL is the whole state of a view (components/state.py); the shell below adds the top bar,
the data-quality banner and a loading state around every page.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import dash
import flask
from dash import Input, Output, dcc, html

from dashboards import auth, queries, warmup
from dashboards.components import context
from dashboards.components.banner import banner
from dashboards.components.state import href, parse

HERE = Path(__file__).resolve().parent

# (path, label, the URL keys the page keeps from the current view)
NAV = (
    ("/", "Scorecard", ("level", "entity", "year", "group")),
    ("/needs", "Needs assessment", ("level", "entity", "year")),
    ("/equity", "Equity", ("level", "entity", "year")),
    ("/classroom", "Classroom data", ("level", "entity", "year")),
    ("/early-warning", "Early warning", ("level", "entity", "year")),
    ("/plans", "Plans", ()),
    ("/quality", "Data quality", ()),
)
SEARCH = ("/search", "Find a student", ())  # for logins that may see students


def create_app(warehouse: str | Path | None = None, *, stale_hours: float | None = None,
               warm_up: bool = False, host: str | None = None) -> dash.Dash:
    """The dashboard over `warehouse` (default $ALIGNBOARD_WAREHOUSE or data/warehouse.duckdb).
    `stale_hours`: the banner's freshness limit (default $ALIGNBOARD_STALE_HOURS, else 36).
    `warm_up`: draw every user's home page now and after each load (dashboards/warmup.py); the
    served app does, tests need not. `host`: the address it will listen on, if known (the
    login's trusted-header mode checks it). Raises auth.AuthConfigError on unsafe login settings."""
    server = flask.Flask(__name__)
    server.config["ALIGNBOARD_WAREHOUSE"] = str(warehouse) if warehouse is not None else None
    server.config["ALIGNBOARD_STALE_HOURS"] = stale_hours
    auth.install_auth(server, warehouse, host=host)
    app = dash.Dash(
        "dashboards",
        server=server,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "static"),
        title="Alignboard",
        update_title=None,
        suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.layout = shell
    server.register_error_handler(queries.DataError, refused)
    install_headers(app)
    install_frame(app)
    if warm_up:
        warmup.start(server)
    return app


def refused(error: queries.DataError) -> flask.Response:
    """A callback or route that the query layer refused (403) or could not answer (400): its
    one-line reason, never a 500 and a traceback."""
    status = 403 if isinstance(error, queries.AccessDenied) else 400
    return flask.Response(f"{error}\n", status=status, mimetype="text/plain")


def server() -> flask.Flask:
    """The WSGI application for gunicorn: `gunicorn 'dashboards.app:server()'`."""
    return create_app(os.environ.get("ALIGNBOARD_WAREHOUSE"), warm_up=True).server


# Versioned library bundles and the CSS: the only responses a browser may keep.
CACHEABLE = ("/_dash-component-suites/", "/assets/")


def content_security_policy(app: dash.Dash) -> str:
    """Scripts from this server only, plus Dash's own inline scripts by their hashes; no framing.
    Styles may be inline: Plotly and AG Grid add style elements as they draw."""
    return "; ".join((
        "default-src 'self'",
        "script-src 'self' " + " ".join(app.csp_hashes()),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def install_headers(app: dash.Dash) -> None:
    """Every page, callback answer and download is `no-store` (Back after logout asks the server
    again, and nothing stays in a shared cache); a CSP and no framing on every response."""

    @app.server.after_request
    def headers(response: flask.Response) -> flask.Response:
        if not flask.request.path.startswith(CACHEABLE):
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
            response.headers.pop("ETag", None)
        response.headers["Content-Security-Policy"] = content_security_policy(app)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response


def shell() -> html.Div:
    return html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        html.Header([
            dcc.Link("Alignboard", href="/", className="brand"),
            html.Nav(id="nav", **{"aria-label": "pages"}),
            html.Div(id="user", className="user"),
            # static/print.js: every grid row and paper-wide charts, then the print dialog
            html.Button("Print", className="print-button", title="print this page: whole tables, no controls",
                        **{"data-print": "page"}),
        ], className="topbar"),
        html.Div(id="banner", className="banner", role="status"),
        # the overlay while a page is drawn, not while a grid fetches its next page of rows
        html.Main(dcc.Loading(dash.page_container, delay_show=300, type="circle",
                              overlay_style={"visibility": "visible", "opacity": 0.45},
                              target_components={"_pages_content": "children"})),
    ])


def install_frame(app: dash.Dash) -> None:
    """The shell's own callback, registered with each app made (a `dash.callback` goes to the
    first app that serves a request in the process, and a second app would have no top bar)."""
    app.callback(
        Output("nav", "children"),
        Output("user", "children"),
        Output("banner", "children"),
        Input("url", "pathname"),
        Input("url", "search"),
    )(frame)


def frame(pathname, search):
    """The top bar's links keep the entity and year of the current view; the banner says when
    the data is stale or a file was rejected. Every page change asks for it, so what it reads is
    drawn once (nav_links, banner_text) and the request adds the user's name and logout token."""
    name = auth.current_user_name()
    if name is None:  # the login guard answers 401 first; nothing to show without a user
        return [], [], []
    # logout is a POST with the session's CSRF token (a link or an image cannot sign anyone out)
    user = [html.Span(f"Signed in as {name}"),
            html.Form(html.Button("Log out", type="submit", name="csrf_token", value=auth.csrf_token(),
                                  id="logout-button"),
                      method="post", action="/logout", className="logout")]
    return (nav_links(pathname=pathname or "/", search=search or ""), user,
            banner(banner_text(minute=int(time.time() // 60))))


@context.cached_page  # the same links for every user of an access on this view, until the next load
def nav_links(pathname, search):
    state = parse(search)
    nav = NAV[:5] + (SEARCH,) + NAV[5:] if context.viewer().may_see_students else NAV
    links = []
    for path, label, keep in nav:
        active = pathname == path or (path == "/" and pathname == "/metric")
        links.append(dcc.Link(label, href=href(path, **{k: state.get(k) for k in keep}),
                              className="active" if active else ""))
    return links + my_team_links(pathname, state)


@context.cached_page  # the load records change with a load; the data's age is worded by the hour, so once a minute
def banner_text(minute):
    return queries.banner(warehouse=context.warehouse(),
                          max_age_hours=flask.current_app.config.get("ALIGNBOARD_STALE_HOURS")) or ""


def my_team_links(pathname, state: dict) -> list:
    """"My team" for a user whose scope owns a team (each one's page when it owns several)."""
    try:
        own = queries.teams(auth.current_viewer(), warehouse=context.warehouse(), own=True)
    except queries.DataError:  # no warehouse yet, or one loaded before teams existed: no link
        return []
    current = state.get("team") if pathname == "/team" else None
    return [dcc.Link("My team" if len(own) == 1 else f"My team: {row.team_type}", href=href("/team", team=row.team_id),
                     className="active" if current == row.team_id else "", id=f"my-team-{i}")
            for i, row in enumerate(own.itertuples())]
