"""A file big enough that DuckDB reads it in parallel, in several buffers and row groups: bad
lines scattered through it keep their exact line numbers, and typing the valid rows in place
deletes exactly the quarantined ones."""
from __future__ import annotations

import duckdb
import pytest

from assets.ingest.landing import WorkTables, locate, read_into
from assets.ingest.split import keep_valid_rows, split_rows
from data_contracts.contract import Column, Contract
from assets.warehouse import SETUP_SQL

pytestmark = pytest.mark.integration

ROWS = 1_500_000  # about 40 MB: more than one CSV buffer, a dozen row groups
BAD_NUMBER = {3, 700_001, ROWS - 1}  # lines whose n is not an integer
EXTRA_FIELD = {5, 900_000}  # lines the reader cannot parse
SAME_KEY = (10, 1_200_000)  # these two lines share an id, with different n


def line_text(line: int) -> str:
    """The text of line `line` (line 1 is the header)."""
    if line in EXTRA_FIELD:
        return f"id{line},{line},surplus"
    if line == SAME_KEY[1]:
        return f"id{SAME_KEY[0]},{line}"
    return f"id{line}," + ("x" if line in BAD_NUMBER else str(line))


def test_big_file_keeps_line_numbers_and_deletes_only_quarantined_rows(tmp_path):
    with (tmp_path / "big.csv").open("w") as handle:
        handle.write("id,n\n")
        handle.writelines(line_text(line) + "\n" for line in range(2, ROWS + 2))
    contract = Contract(
        file="big", description="", columns=(Column("id", "id", required=True), Column("n", "integer")),
        key=("id",),
    )
    con = duckdb.connect()
    for schema in ("raw", "quarantine", "staging", "ingest_work"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute(SETUP_SQL)

    result = split_rows(con, contract, read_into(con, locate(tmp_path, "big"), contract))
    keep_valid_rows(con, contract)

    quarantined = dict(con.execute('SELECT line_number, reasons FROM quarantine."big__candidate"').fetchall())
    expected = {line: ["invalid_integer:n"] for line in BAD_NUMBER}
    expected |= {line: ["malformed_row:too_many_columns"] for line in EXTRA_FIELD}
    expected |= {line: ["duplicate_key"] for line in SAME_KEY}
    assert quarantined == expected
    assert result.rows_read == ROWS
    assert result.rows_loaded == ROWS - len(expected)

    loaded = WorkTables("big").landing
    # every loaded row is the line its id names: n = the line number, nothing shifted or lost
    count, mismatched, typed = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE 'id' || n <> id), typeof(any_value(n)) FROM {loaded}"
    ).fetchone()
    assert (count, mismatched, typed) == (ROWS - len(expected), 0, "INTEGER")
