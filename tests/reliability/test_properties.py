"""Property-based: random mutations of a valid attendance file, loaded as that night's file.
Whatever the bytes, the load says what it did in one line per problem, accounts for every row,
keeps every foreign key resolving, and the next clean night rebuilds exactly the clean warehouse.

Each example is two real loads (of that one file's assets), so the number of examples is kept
small; Hypothesis shrinks any failure to a minimal mutation and prints it."""
from __future__ import annotations

import shutil

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.run_load import run_load
from tests.integration.landing_builder import CLEAN, write_landing
from tests.reliability.harness import foreign_key_violations, snapshot
from tests.reliability.test_inputs import text

pytestmark = pytest.mark.integration

VALID = text(CLEAN["attendance_daily.csv"]).encode()
NASTY = [b",", b'"', b"\n", b"\r\n", b";", "é".encode("cp1252"), "é".encode(), b"\x00", b" ", b"\xef\xbb\xbf"]


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "truncate", "duplicate_line", "swap_lines"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "insert":
            data[at:at] = draw(st.sampled_from(NASTY))
        elif kind == "delete" and data:
            del data[at:at + draw(st.integers(1, 12))]
        elif kind == "truncate":
            del data[at:]
        else:
            lines = bytes(data).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if kind == "duplicate_line":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@pytest.fixture(scope="module")
def clean_warehouse(clean_load, clean_snapshot):
    """The clean night's warehouse (tests/conftest.py) and its tables."""
    return clean_load, clean_snapshot


@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=mutated())
def test_any_mutation_of_a_valid_file_keeps_the_invariants(data, clean_warehouse, tmp_path_factory):
    clean_path, clean = clean_warehouse
    folder = tmp_path_factory.mktemp("night")
    landing = write_landing(folder / "landing", CLEAN)
    warehouse = folder / "warehouse.duckdb"
    shutil.copyfile(clean_path, warehouse)
    (landing / "attendance_daily.csv").write_bytes(data)

    outcome = run_load(landing, warehouse, progress=False, files=["attendance_daily"])
    for error in outcome.errors:  # one line each, naming the file
        assert "\n" not in error and error.startswith("attendance_daily.csv: "), error
    (row,) = [q for q in outcome.quality if q["file"] == "attendance_daily"]
    assert row["status"] in ("loaded", "loaded_with_warnings", "rejected")
    assert row["rows_read"] == row["rows_loaded"] + row["rows_quarantined"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        in_raw = con.execute("SELECT count(*) FROM raw.attendance_daily").fetchone()[0]
        in_quarantine = con.execute("SELECT count(*) FROM quarantine.attendance_daily").fetchone()[0]
    if row["status"] != "rejected":  # no row lost between the count and the tables
        assert (in_raw, in_quarantine) == (row["rows_loaded"], row["rows_quarantined"])
    else:  # rejected: the last good rows stay
        assert in_raw == len(CLEAN["attendance_daily.csv"]) - 1
    assert foreign_key_violations(warehouse) == {}

    write_landing(landing, CLEAN)
    assert run_load(landing, warehouse, progress=False, files=["attendance_daily"]).success
    assert snapshot(warehouse) == clean
