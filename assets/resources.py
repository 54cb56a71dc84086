"""Dagster resources: the warehouse (one build file per run) and the landing folder."""
import os
from contextlib import contextmanager

import dagster as dg

from assets import warehouse
from assets.ingest.snapshot import unresolved_after_load

REFUSED: dict[str, str] = {}  # warehouse path -> why its last load was not published (run_load reads it)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse. A run writes to a private build copy that replaces the published
    file atomically when the run ends, so readers never see half a load (see warehouse.py)."""

    path: str = warehouse.default_path()

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext):
        run_id = context.run.run_id if context.run else "adhoc"
        build = warehouse.begin_build(self.path, run_id)
        refusal = None
        try:
            yield self
        finally:
            # Skipped or failed steps left their last good tables in the build, so the build is
            # a consistent warehouse unless kept rows point at a key a new file dropped
            # (snapshot.py); publishing it keeps what this run did load.
            try:
                refusal = unresolved_after_load(build.connection, run_id)
            finally:
                warehouse.finish_build(self.path, publish=refusal is None)
        if refusal:
            REFUSED[warehouse.resolved(self.path)] = refusal
            raise warehouse.NotPublished(refusal)

    @contextmanager
    def connect(self):
        cursor = warehouse.connect_build(self.path)
        try:
            yield cursor
        finally:
            cursor.close()


def default_landing() -> str:
    return os.environ.get("ALIGNBOARD_LANDING", "data/landing")


class LandingResource(dg.ConfigurableResource):
    """The folder the district's exports are dropped into."""

    path: str = default_landing()
