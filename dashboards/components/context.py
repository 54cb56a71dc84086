"""What every page needs from the request: the viewer, the warehouse, and a safe way to render.

The viewer always comes from the login (auth.current_viewer), never from the URL: a page only
passes the URL's entity to data.py, which refuses what the viewer may not see."""
from __future__ import annotations

import functools
import logging
import threading
from collections import OrderedDict

import flask
from dash import html

from dashboards import auth, data

log = logging.getLogger("alignboard.dashboard")


def warehouse():
    """The warehouse create_app() was given (None: data.py's default)."""
    return flask.current_app.config.get("ALIGNBOARD_WAREHOUSE")


def viewer() -> data.Viewer:
    return auth.current_viewer()


def home(level: str | None, entity: str | None) -> tuple[str, str]:
    """The entity a URL names, or the viewer's own when it names none."""
    if level and entity:
        return level, entity
    return data.home(viewer(), warehouse=warehouse())


def message(text: str) -> html.Div:
    return html.Div(text, className="message", role="alert")


def safe(render):
    """Render a page or a callback's output; a refused or impossible request shows its one-line
    reason instead of data (data.py has logged it), never a traceback."""
    @functools.wraps(render)
    def wrapper(*args, **kwargs):
        try:
            return render(*args, **kwargs)
        except data.DataError as error:
            return message(str(error))
        except PermissionError:
            return message("Please log in to see this page.")
        except Exception:  # a bug: the user gets one line, the server log the traceback
            log.exception("could not draw %s", render.__module__)
            return message("This view could not be drawn; the server log has the details.")
    return wrapper


# Drawn pages, keyed like data.py's query cache: page (its function), warehouse file and version,
# the viewer's access (not their name) and the URL's arguments. A page is a function of those
# alone (pages that depend on today's date, quality and plans, are not kept); a refusal is an
# exception and never kept, so every refused request reaches data.py and its access log again.
_PAGES: OrderedDict = OrderedDict()
_PAGES_LOCK = threading.Lock()
PAGES_KEPT = 256


def cached_page(render):
    """Keep what `render` draws (a page's layout, or the rows a grid serves a page at a time)
    until the next load publishes a new warehouse: pandas reshaping and building components
    cost more than the (cached) queries behind them. What is kept is shared: never change it."""
    @functools.wraps(render)
    def wrapper(**kwargs):
        who = viewer()
        try:
            version = data.warehouse_version(warehouse())
        except OSError:
            return render(**kwargs)  # no warehouse: the page says so
        key = (f"{render.__module__}.{render.__qualname__}", str(warehouse()), version,
               (who.level, who.entity_id, who.may_see_students),
               tuple(sorted((k, str(v)) for k, v in kwargs.items())))
        with _PAGES_LOCK:
            if key in _PAGES:
                _PAGES.move_to_end(key)
                return _PAGES[key]
        page = render(**kwargs)
        with _PAGES_LOCK:
            _PAGES[key] = page
            while len(_PAGES) > PAGES_KEPT:
                _PAGES.popitem(last=False)
        return page
    return wrapper
