"""The quarantined rows of one landing file, as a person fixing the export needs them: the line
in the file as received, the reasons and the original values. Plain functions over a DuckDB
connection, for `alignboard quarantine` and the dashboard's query layer."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from assets.metrics.sqltext import fill
from assets.warehouse import existing_tables
from data_contracts.contract import load_contracts
from data_contracts.row_rules import quote

SQL_DIR = Path(__file__).parent


class NotQuarantined(LookupError):
    """The file has no quarantine table in this warehouse: it was never loaded."""


def contract_name(file: str) -> str | None:
    """`plc_sig_ratings.csv`, `plc_sig_ratings.parquet` or `plc_sig_ratings` -> `plc_sig_ratings`;
    None when no contract has that name."""
    name = Path(file).name.removesuffix(".csv").removesuffix(".parquet")
    return name if name in load_contracts() else None


def quarantined_rows(con: duckdb.DuckDBPyConnection, file: str, reason: str | None = None) -> pd.DataFrame:
    """Columns line, reasons (joined by '; '), every column of the file's header as received,
    raw_line; one row per quarantined row, in file order. `reason` keeps the rows with that reason
    (`unknown_code:status`) or kind of reason (`unknown_code`)."""
    if f"quarantine.{file}" not in existing_tables(con):
        raise NotQuarantined(f"{file}: no quarantine in this warehouse (the file was never loaded)")
    return con.execute(rows_sql(file), {"reason": reason}).df()


def rows_sql(file: str) -> str:
    """The SELECT of quarantined_rows for `file` (a contract's name), reading $reason: the query
    layer runs it behind a viewer's scope."""
    return fill((SQL_DIR / "quarantined_rows.sql").read_text(), {"table": f"quarantine.{quote(file)}"})
