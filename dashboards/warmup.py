"""Draw each user's first page before they ask for it.

After a night's load the dashboard's caches are empty, and the first person to open it pays for
the queries and the drawing of their home page and of the banner on every page: half a second
or more at 200,000 students, on top of a browser that compiles its scripts. A thread of the
server computes today's year-to-date values (the team pages' "now") and draws the banner and
the home page (the scorecard of their own scope) once for every access in the users file
(level, entity, may see students) when the server starts and again whenever a load publishes a
new warehouse, so that page comes from the caches.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time

import flask
from flask_login import login_user

from dashboards import auth, queries
from dashboards.queries.metrics import cells_computed

log = logging.getLogger("alignboard.dashboard")

POLL_SECONDS = 60
# a home page takes a few hundred KB of the page cache (queries.cache.PAGE_BYTES): at most this
# many, so that warming never pushes out what people are looking at
MOST_ACCESSES = 100


def home_pages(server: flask.Flask) -> int:
    """Draw the banner, and the home page once for each access in the users file; the number of
    accesses drawn."""
    from dashboards.pages import scorecard  # noqa: PLC0415 (a page registers itself: only once the app exists)

    accesses = {}
    for user in auth.load_users().values():
        accesses.setdefault((user.level, user.entity_id, user.may_see_students), user)
    if len(accesses) > MOST_ACCESSES:
        log.info("warm-up: drawing the home pages of the first %d of %d accesses", MOST_ACCESSES, len(accesses))
    queries.banner(warehouse=server.config["ALIGNBOARD_WAREHOUSE"])
    try:  # today's year to date, which every team page reads (its last meeting's day is its own)
        cells_computed(queries.Viewer.analyst(), dt.date.today(), warehouse=server.config["ALIGNBOARD_WAREHOUSE"])
    except queries.DataError as error:
        log.info("warm-up: no values to date: %s", error)
    drawn = 0
    for user in list(accesses.values())[:MOST_ACCESSES]:
        with server.test_request_context("/"):
            login_user(user)
            scorecard.layout()  # a refusal or a missing warehouse draws a message, never raises
        drawn += 1
    return drawn


def warm_if_published(server: flask.Flask, drawn_for) -> object:
    """Draw the home pages when the server's warehouse is not the version they were drawn for;
    the version they are now drawn for (None while there is no warehouse)."""
    try:
        version = queries.warehouse_version(server.config["ALIGNBOARD_WAREHOUSE"])
    except OSError:
        return None
    if version != drawn_for:
        started = time.perf_counter()
        try:
            count = home_pages(server)
        except auth.UsersFileError as error:
            log.warning("warm-up skipped: %s", error)
        except Exception:  # a bug must not stop the server; people's pages are drawn as they ask
            log.exception("warm-up failed")
        else:
            log.info("warm-up: drew %d home page(s) in %.1f s", count, time.perf_counter() - started)
    return version


def start(server: flask.Flask, poll_seconds: float = POLL_SECONDS) -> threading.Thread:
    """Warm the home pages now and after every publish, in a daemon thread of the server."""
    def run():
        drawn_for = None
        while True:
            drawn_for = warm_if_published(server, drawn_for)
            time.sleep(poll_seconds)

    thread = threading.Thread(target=run, name="alignboard-warm-up", daemon=True)
    thread.start()
    return thread
