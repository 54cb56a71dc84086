"""What every page needs from the request: the viewer, the warehouse, and a safe way to render.

The viewer always comes from the login (auth.current_viewer), never from the URL: a page only
passes the URL's entity to the query layer, which refuses what the viewer may not see."""
from __future__ import annotations

import functools
import inspect
import json
import logging

import flask
from dash import html
from dash.development.base_component import Component
from plotly.io.json import to_json_plotly

from dashboards import auth, queries
from dashboards.queries import cache

log = logging.getLogger("alignboard.dashboard")


def warehouse():
    """The warehouse create_app() was given (None: the query layer's default)."""
    return flask.current_app.config.get("ALIGNBOARD_WAREHOUSE")


def viewer() -> queries.Viewer:
    return auth.current_viewer()


def home(level: str | None, entity: str | None) -> tuple[str, str]:
    """The entity a URL names, or the viewer's own when it names none."""
    if level and entity:
        return level, entity
    return queries.home(viewer(), warehouse=warehouse())


def message(text: str) -> html.Div:
    return html.Div(text, className="message", role="alert")


def safe(render):
    """Render a page or a callback's output; a refused or impossible request shows its one-line
    reason instead of data (the query layer has logged it), never a traceback."""
    @functools.wraps(render)
    def wrapper(*args, **kwargs):
        try:
            return render(*args, **kwargs)
        except queries.DataError as error:
            return message(str(error))
        except PermissionError:
            return message("Please log in to see this page.")
        except Exception:  # a bug: the user gets one line, the server log the traceback
            log.exception("could not draw %s", render.__module__)
            return message("This view could not be drawn; the server log has the details.")
    return wrapper


def cached_page(render):
    """Keep what `render` draws (a page's layout, or the rows a grid serves a page at a time)
    until the next load publishes a new warehouse: pandas reshaping and building components
    cost more than the (cached) queries behind them. The key holds only the arguments `render`
    names (a URL's other parameters draw the same page), with the viewer's access and the
    warehouse version (queries.cache); a refusal is an exception and never kept, so every
    refused request reaches the query layer and its access log again. What is kept is shared:
    never change it."""
    reads = tuple(name for name, p in inspect.signature(render).parameters.items()
                  if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))

    @functools.wraps(render)
    def wrapper(**kwargs):
        base = cache.version_key(warehouse(), viewer())
        if base is None:
            return render(**kwargs)  # no warehouse: the page says so
        key = (f"{render.__module__}.{render.__qualname__}", base, tuple(str(kwargs.get(name)) for name in reads))
        page = cache.PAGES.get(key)
        if page is None:
            page = sent_as_drawn(render(**kwargs))
            cache.PAGES.put(key, page)
        return page
    return wrapper


def sent_as_drawn(page):
    """A kept page is sent again and again as it was drawn. Dash's encoder asks every component
    of an answer for its properties each time (most of the time of a request for a large kept
    page), so a page's JSON form is made once, here, and is what the page hands the encoder."""
    if isinstance(page, Component):
        page.to_plotly_json = functools.partial(_json_form, json.loads(to_json_plotly(page)))
    return page


def _json_form(form: dict) -> dict:
    return form
