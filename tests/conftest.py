"""Fixtures shared by the integration and reliability tests.

A first load is the slowest a test can run (every mart is computed from nothing), and most stories
start after a good night of the clean hand-built district. That night is loaded once per test
session (once per pytest-xdist worker), and each test that starts from it gets its own copy.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.integration.landing_builder import CLEAN, write_landing


@pytest.fixture(scope="session")
def clean_load(tmp_path_factory) -> Path:
    """The warehouse of one `alignboard load` of the clean district (read it, never write it)."""
    from pipelines.cli import main

    folder = tmp_path_factory.mktemp("clean_load")
    warehouse = folder / "warehouse.duckdb"
    assert main(["load", "--landing", str(write_landing(folder / "landing", CLEAN)), "--warehouse", str(warehouse)]) == 0
    return warehouse


@pytest.fixture(scope="session")
def clean_snapshot(clean_load) -> dict:
    """Every table of the clean load, as the reliability harness compares them."""
    from tests.reliability.harness import snapshot

    return snapshot(clean_load)


@pytest.fixture
def after_clean_night(clean_load, tmp_path) -> tuple[Path, Path]:
    """(landing, warehouse): the clean files and a copy of the warehouse their load built."""
    landing = write_landing(tmp_path / "landing", CLEAN)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(clean_load, warehouse)
    return landing, warehouse
