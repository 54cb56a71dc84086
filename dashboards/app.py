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
from pathlib import Path

import dash
import flask
from dash import Input, Output, callback, dcc, html

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
    ("/plans", "Plans", ()),
    ("/quality", "Data quality", ()),
)


def create_app(warehouse: str | Path | None = None, *, stale_hours: float | None = None,
               warm_up: bool = False) -> dash.Dash:
    """The dashboard over `warehouse` (default $ALIGNBOARD_WAREHOUSE or data/warehouse.duckdb).
    `stale_hours`: the banner's freshness limit (default $ALIGNBOARD_STALE_HOURS, else 36).
    `warm_up`: draw every user's home page now and after each load (dashboards/warmup.py); the
    served app does, tests need not."""
    server = flask.Flask(__name__)
    server.config["ALIGNBOARD_WAREHOUSE"] = str(warehouse) if warehouse is not None else None
    server.config["ALIGNBOARD_STALE_HOURS"] = stale_hours
    auth.install_auth(server, warehouse)
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


def shell() -> html.Div:
    return html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        html.Header([
            dcc.Link("Alignboard", href="/", className="brand"),
            html.Nav(id="nav", **{"aria-label": "pages"}),
            html.Div(id="user", className="user"),
        ], className="topbar"),
        html.Div(id="banner", className="banner", role="status"),
        # the overlay while a page is drawn, not while a grid fetches its next page of rows
        html.Main(dcc.Loading(dash.page_container, delay_show=300, type="circle",
                              overlay_style={"visibility": "visible", "opacity": 0.45},
                              target_components={"_pages_content": "children"})),
    ])


@callback(
    Output("nav", "children"),
    Output("user", "children"),
    Output("banner", "children"),
    Input("url", "pathname"),
    Input("url", "search"),
)
def frame(pathname, search):
    """The top bar's links keep the entity and year of the current view; the banner says when
    the data is stale or a file was rejected."""
    state = parse(search)
    links = []
    for path, label, keep in NAV:
        active = (pathname or "/") == path or (path == "/" and pathname == "/metric")
        links.append(dcc.Link(label, href=href(path, **{k: state.get(k) for k in keep}),
                              className="active" if active else ""))
    name = auth.current_user_name()
    user = [html.Span(f"Signed in as {name}"), html.A("Log out", href="/logout")] if name else []
    text = queries.banner(warehouse=context.warehouse(),
                       max_age_hours=flask.current_app.config.get("ALIGNBOARD_STALE_HOURS"))
    return links, user, banner(text)
