"""dashboards/warmup.py: the home page of every access in the users file is drawn before anyone
asks, once per warehouse version."""
import shutil

import pytest

from dashboards import auth, warmup
from dashboards.queries import cache
from tests.unit.dashboard_fixture import build_dashboard_warehouse


@pytest.fixture
def served(tmp_path, monkeypatch):
    """The dashboard app over the fixture district, with four users of three accesses."""
    from dashboards.app import create_app

    warehouse = build_dashboard_warehouse(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("ALIGNBOARD_USERS", str(tmp_path / "users.yaml"))
    auth.add_user("pat", "school:S1", "pw")
    auth.add_user("sam", "school:S1", "pw")  # the same access as pat: drawn once
    auth.add_user("ana", "district", "pw", students=True)
    auth.add_user("ned", "school:S9", "pw")  # no such school: a message, nothing kept
    cache.PAGES.clear()
    return create_app(warehouse).server, warehouse


def home_pages_kept() -> set:
    """The accesses whose scorecard is in the drawn pages' cache."""
    return {key[1][2] for key in cache.PAGES.keys() if key[0] == "dashboards.pages.scorecard.layout"}


def test_each_access_is_drawn_once_and_kept(served):
    server, warehouse = served
    assert warmup.home_pages(server) == 3
    assert home_pages_kept() == {("school", "S1", False), ("district", None, True)}


def test_drawn_again_only_after_a_publish(served, tmp_path):
    server, warehouse = served
    version = warmup.warm_if_published(server, drawn_for=None)
    assert len(home_pages_kept()) == 2
    cache.PAGES.clear()
    assert warmup.warm_if_published(server, drawn_for=version) == version
    assert home_pages_kept() == set()  # same version: nothing drawn
    # a load publishes a new file under the same name
    shutil.copy(warehouse, tmp_path / "next.duckdb")
    with open(tmp_path / "next.duckdb", "ab") as grown:
        grown.write(b"\0" * 4096)
    (tmp_path / "next.duckdb").replace(warehouse)
    assert warmup.warm_if_published(server, drawn_for=version) != version
    assert len(home_pages_kept()) == 2


def test_no_warehouse_draws_nothing(served, tmp_path):
    server, _ = served
    server.config["ALIGNBOARD_WAREHOUSE"] = str(tmp_path / "missing.duckdb")
    assert warmup.warm_if_published(server, drawn_for=None) is None
