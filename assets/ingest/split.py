"""Split a read landing file into valid rows and quarantined rows, per its contract.

The valid rows land in raw."<file>__candidate" and the quarantined ones in
quarantine."<file>__candidate"; staging promotes them only if the file's blocking quality
checks pass, so a rejected file never replaces the last good data.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from assets.ingest.landing import ReadResult
from data_contracts.contract import Contract
from data_contracts.row_rules import checked_rows_sql, quote

SQL_DIR = Path(__file__).parent


@dataclass(frozen=True)
class SplitResult:
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    reasons: dict[str, int]  # reason code -> number of quarantined rows with that reason
    duplicate_keys: int  # keys still repeated among the loaded rows (0 unless this code is wrong)


def candidate_table(schema: str, file: str) -> str:
    return f"{schema}.{quote(file + '__candidate')}"


def split_rows(con: duckdb.DuckDBPyConnection, contract: Contract, read: ReadResult) -> SplitResult:
    """Type and check every row once, writing them straight into the raw candidate; move the
    rows that break a rule (or repeat a key) to the quarantine candidate and delete them there.
    The candidate keeps `_line` until promotion, for a file rejected as a whole."""
    valid = candidate_table("raw", contract.file)
    quarantined = candidate_table("quarantine", contract.file)
    duplicates = f"ingest_work.{quote('duplicates_' + contract.file)}"

    con.execute(f"CREATE OR REPLACE TABLE {valid} AS {checked_rows_sql(contract, read.landing_view, read.extra_columns)}")
    loaded_columns = contract.column_names + list(contract.derived) + read.extra_columns
    key = ", ".join(quote(k) for k in contract.key)
    if contract.key:
        sql = (SQL_DIR / "find_duplicates.sql").read_text().format(
            checked=valid, key=key, content=", ".join(quote(c) for c in loaded_columns)
        )
        con.execute(f"CREATE OR REPLACE TABLE {duplicates} AS {sql}")
        duplicate_keys = con.execute(
            f"SELECT count(*) FROM (SELECT {key} FROM {duplicates} WHERE reason IS NULL "
            "GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
    else:
        con.execute(f"CREATE OR REPLACE TABLE {duplicates} (_line BIGINT, reason VARCHAR)")
        duplicate_keys = 0

    sql = (SQL_DIR / "assemble_quarantine.sql").read_text().format(
        file=contract.file,
        checked=valid,
        duplicates=duplicates,
        lines=read.landing_view,
        rejects=read.rejects_table,
        original=", ".join(quote(h) for h in read.header),
        blank_original=", ".join(f"NULL::VARCHAR AS {quote(h)}" for h in read.header),
    )
    con.execute(f"CREATE OR REPLACE TABLE {quarantined} AS {sql} ORDER BY line_number")
    parsed = con.execute(f"SELECT count(*) FROM {valid}").fetchone()[0]
    con.execute(
        f"""DELETE FROM {valid} WHERE len(_reasons) > 0
            OR _line IN (SELECT _line FROM {duplicates} WHERE reason IS NOT NULL)"""
    )
    con.execute(f"ALTER TABLE {valid} DROP COLUMN _reasons")

    loaded = con.execute(f"SELECT count(*) FROM {valid}").fetchone()[0]
    quarantined_rows = con.execute(f"SELECT count(*) FROM {quarantined}").fetchone()[0]
    unparsed = con.execute(f"SELECT count(*) FROM {read.rejects_table}").fetchone()[0]
    reasons = dict(
        con.execute(
            f"SELECT reason, count(*) FROM (SELECT unnest(reasons) AS reason FROM {quarantined}) "
            "GROUP BY reason ORDER BY reason"
        ).fetchall()
    )
    return SplitResult(parsed + unparsed, loaded, quarantined_rows, reasons, duplicate_keys)
