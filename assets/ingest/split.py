"""Split a read landing file into valid rows and quarantined rows, per its contract.

The file was read, as text, into its raw candidate table (landing.py). split_rows finds the rows
that break a rule or repeat a key and copies them, with every reason, into the quarantine
candidate; the valid rows are not copied anywhere. Only when the file's blocking quality checks
pass does keep_valid_rows delete the quarantined rows from the raw candidate and type its columns
in place, ready for promotion: a rejected file never replaces the last good data, and a big file
is written once, not twice.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from assets.ingest.landing import ReadResult, WorkTables, candidate_table
from assets.metrics.sqltext import fill
from data_contracts.contract import Contract
from data_contracts.row_rules import broken_rows_sql, quote, typed_expression, typed_rows_sql

SQL_DIR = Path(__file__).parent


@dataclass(frozen=True)
class SplitResult:
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    reasons: dict[str, int]  # reason code -> number of quarantined rows with that reason
    duplicate_keys: int  # keys still repeated among the loaded rows (0 unless this code is wrong)


def split_rows(con: duckdb.DuckDBPyConnection, contract: Contract, read: ReadResult) -> SplitResult:
    """Judge every row once and write only the ones to quarantine, with all their reasons."""
    work = WorkTables(contract.file)
    quarantined = candidate_table("quarantine", contract.file)
    con.execute(f"CREATE OR REPLACE VIEW {work.typed} AS {typed_rows_sql(contract, read.lines_view, read.extra_columns)}")
    con.execute(f"CREATE OR REPLACE TABLE {work.broken} AS {broken_rows_sql(contract, read.lines_view)}")

    key = ", ".join(quote(k) for k in contract.key)
    if contract.key:
        loaded_columns = contract.column_names + list(contract.derived) + read.extra_columns
        sql = fill((SQL_DIR / "find_duplicates.sql").read_text(), {
            "typed": work.typed,
            "broken": work.broken,
            "key": key,
            "content": ", ".join(quote(c) for c in loaded_columns),
        })
        with _one_thread_more(con):
            con.execute(f"CREATE OR REPLACE TABLE {work.duplicates} AS {sql}")
        duplicate_keys = con.execute(
            f"SELECT count(*) FROM (SELECT {key} FROM {work.duplicates} WHERE reason IS NULL "
            "GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
    else:
        con.execute(f"CREATE OR REPLACE TABLE {work.duplicates} (_row BIGINT, _line BIGINT, reason VARCHAR)")
        duplicate_keys = 0
    con.execute(
        f"""CREATE OR REPLACE VIEW {work.removed} AS
            SELECT _row FROM {work.broken}
            UNION ALL SELECT _row FROM {work.duplicates} WHERE reason IS NOT NULL"""
    )

    sql = fill((SQL_DIR / "assemble_quarantine.sql").read_text(), {
        "broken": work.broken,
        "duplicates": work.duplicates,
        "lines": read.lines_view,
        "rejects": read.rejects_table,
        "original": ", ".join(quote(h) for h in read.header),
        "blank_original": ", ".join(f"NULL::VARCHAR AS {quote(h)}" for h in read.header),
    })
    con.execute(f"CREATE OR REPLACE TABLE {quarantined} AS {sql} ORDER BY line_number", {"file": contract.file})

    parsed = con.execute(f"SELECT count(*) FROM {work.landing}").fetchone()[0]
    removed = con.execute(f"SELECT count(*) FROM {work.removed}").fetchone()[0]
    quarantined_rows = con.execute(f"SELECT count(*) FROM {quarantined}").fetchone()[0]
    unparsed = con.execute(f"SELECT count(*) FROM {read.rejects_table}").fetchone()[0]
    reasons = dict(
        con.execute(
            f"SELECT reason, count(*) FROM (SELECT unnest(reasons) AS reason FROM {quarantined}) "
            "GROUP BY reason ORDER BY reason"
        ).fetchall()
    )
    return SplitResult(parsed + unparsed, parsed - removed, quarantined_rows, reasons, duplicate_keys)


@contextmanager
def _one_thread_more(con: duckdb.DuckDBPyConnection):
    """Give DuckDB one thread more than it has (by default, one per core) for one statement.

    Grouping every key of a big file is the one step this helps: on the 2-core benchmark machine
    the 35 million attendance keys group in 1.4 s with 3 threads against 4.2 s with 2, while the
    reads and the metric marts gain nothing or lose (benchmarks/bench_load.py). The load runs
    one statement at a time, so the setting cannot leak into another step.
    """
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.execute(f"SET threads = {threads + 1}")
    try:
        yield
    finally:
        con.execute(f"SET threads = {threads}")


def keep_valid_rows(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Delete the quarantined rows from the raw candidate and give its columns their types.

    ALTER ... SET DATA TYPE ... USING rewrites one column in place, far cheaper than writing a
    typed copy of every row; text columns only need the few values with stray spaces trimmed.
    """
    work = WorkTables(contract.file)
    table = work.landing
    con.execute(f"DELETE FROM {table} WHERE rowid IN (SELECT _row FROM {work.removed})")
    for column in contract.columns:
        if column.sql_type != "VARCHAR":
            con.execute(
                f"ALTER TABLE {table} ALTER {quote(column.name)} "
                f"SET DATA TYPE {column.sql_type} USING {typed_expression(column)}"
            )
    texts = [c for c in contract.columns if c.sql_type == "VARCHAR"]
    if texts:
        trimmed = ", ".join(f"{quote(c.name)} = {typed_expression(c)}" for c in texts)
        # exactly the values trim changes; cheaper to test than trimming every value
        changed = " OR ".join(
            f"starts_with({quote(c.name)}, ' ') OR ends_with({quote(c.name)}, ' ') OR {quote(c.name)} = ''"
            for c in texts
        )
        con.execute(f"UPDATE {table} SET {trimmed} WHERE {changed}")
    for name, expression in contract.derived.items():
        sql_type = con.execute(f"DESCRIBE SELECT {expression} FROM {table}").fetchone()[1]
        con.execute(f"ALTER TABLE {table} ADD COLUMN {quote(name)} {sql_type}")
        con.execute(f"ALTER TABLE {table} ALTER {quote(name)} SET DATA TYPE {sql_type} USING {expression}")
