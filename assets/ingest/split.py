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


def candidate_table(schema: str, file: str) -> str:
    return f"{schema}.{quote(file + '__candidate')}"


def split_rows(con: duckdb.DuckDBPyConnection, contract: Contract, read: ReadResult) -> SplitResult:
    checked = f"ingest_work.{quote('checked_' + contract.file)}"
    duplicates = f"ingest_work.{quote('duplicates_' + contract.file)}"
    valid = candidate_table("raw", contract.file)
    quarantined = candidate_table("quarantine", contract.file)

    con.execute(f"CREATE OR REPLACE TABLE {checked} AS {checked_rows_sql(contract, read.landing_view, read.extra_columns)}")
    loaded_columns = contract.column_names + list(contract.derived) + read.extra_columns
    if contract.key:
        sql = (SQL_DIR / "find_duplicates.sql").read_text().format(
            checked=checked,
            key=", ".join(quote(k) for k in contract.key),
            content=", ".join(quote(c) for c in loaded_columns),
        )
        con.execute(f"CREATE OR REPLACE TABLE {duplicates} AS {sql}")
    else:
        con.execute(f"CREATE OR REPLACE TABLE {duplicates} (_line BIGINT, reason VARCHAR)")

    ordered = ", ".join(quote(c) for c in loaded_columns)
    con.execute(
        f"""CREATE OR REPLACE TABLE {valid} AS
            SELECT {ordered} FROM {checked}
            ANTI JOIN (SELECT _line FROM {duplicates} WHERE reason IS NOT NULL) USING (_line)
            WHERE len(_reasons) = 0"""
    )
    sql = (SQL_DIR / "assemble_quarantine.sql").read_text().format(
        file=contract.file,
        checked=checked,
        duplicates=duplicates,
        lines=read.landing_view,
        rejects=read.rejects_table,
        original=", ".join(quote(h) for h in read.header),
        blank_original=", ".join(f"NULL::VARCHAR AS {quote(h)}" for h in read.header),
    )
    con.execute(f"CREATE OR REPLACE TABLE {quarantined} AS {sql} ORDER BY line_number")

    loaded = con.execute(f"SELECT count(*) FROM {valid}").fetchone()[0]
    quarantined_rows = con.execute(f"SELECT count(*) FROM {quarantined}").fetchone()[0]
    parsed = con.execute(f"SELECT count(*) FROM {checked}").fetchone()[0]
    unparsed = con.execute(f"SELECT count(*) FROM {read.rejects_table}").fetchone()[0]
    reasons = dict(
        con.execute(
            f"SELECT reason, count(*) FROM (SELECT unnest(reasons) AS reason FROM {quarantined}) "
            "GROUP BY reason ORDER BY reason"
        ).fetchall()
    )
    return SplitResult(parsed + unparsed, loaded, quarantined_rows, reasons)
