"""CSV out of the query layer: one formatting rule (whole numbers without '.0', booleans Y/N,
blank for no data, dates as YYYY-MM-DD, as landing-file CSVs are written; text that a spreadsheet
would run as a formula starts with an apostrophe) and one writer, to a file path or a text
stream (default stdout)."""
from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import pandas as pd

from assets.metrics.sqltext import bind
from dashboards.queries.access import DataError, Gate
from data_contracts.row_rules import quote

Out = str | Path | TextIO | None


def cell_text(value) -> str:
    """One CSV cell."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "Y" if value else "N"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        midnight = value.tz is None and value == value.normalize()
        return value.date().isoformat() if midnight else value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return _not_a_formula(value) if isinstance(value, str) else str(value)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _not_a_formula(text: str) -> str:
    """Text as a spreadsheet shows it, never runs it: a cell starting with = + - @ or a tab or
    carriage return, other than a plain number such as -5, gets a leading apostrophe (a landing
    file's values reach these files, and a quarantined value may be anything)."""
    if not text.startswith(FORMULA_START):
        return text
    try:
        float(text)
        return text
    except ValueError:
        return "'" + text


def number_text(column: str) -> str:
    """The SQL of cell_text for a number column, for exports written by DuckDB itself."""
    c = quote(column)
    return (f"CASE WHEN {c} IS NULL THEN NULL WHEN {c} = trunc({c}) AND abs({c}) < 1e15 "
            f"THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) ELSE CAST({c} AS VARCHAR) END AS {c}")


def _target(out: str | Path) -> Path:
    target = Path(out)
    if not target.parent.is_dir():
        raise DataError(f"cannot write {target}: folder {target.parent} does not exist")
    return target


def write_rows(columns: Iterable[str], rows: Iterable[Iterable], out: Out = None) -> int:
    """Write a header and rows (cells formatted by cell_text) to `out`; return the row count."""
    if isinstance(out, (str, Path)):
        with _target(out).open("w", newline="", encoding="utf-8") as handle:
            return write_rows(columns, rows, handle)
    writer = csv.writer(out if out is not None else sys.stdout, lineterminator="\n")
    writer.writerow(list(columns))
    count = 0
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
        count += 1
    return count


def write_query(gate: Gate, sql: str, params: dict, select: str, columns: Iterable[str], out: Out = None) -> int:
    """Write `select` (cells as text, see number_text) over the rows of the viewer's query `sql`
    (its FROM names it `q`) to `out`: a file by DuckDB's COPY (fast at any size), a stream a
    batch at a time."""
    query = select + " FROM (" + gate.text(sql) + ") AS q"
    params = {**params, **gate.params()}
    if isinstance(out, (str, Path)):
        copy = "COPY (" + query + ") TO $out_path (HEADER, DELIMITER ',')"
        (rows,) = gate.con.execute(copy, bind(copy, {**params, "out_path": str(_target(out))})).fetchone()
        return rows
    result = gate.con.execute(query, bind(query, params))

    def batches():
        while batch := result.fetchmany(10_000):
            yield from batch
    return write_rows(columns, batches(), out)


def csv_text(frame: pd.DataFrame) -> str:
    """A frame the dashboard shows, as CSV text (list and dict columns are left out)."""
    keep = [c for c in frame.columns
            if not frame[c].map(lambda v: isinstance(v, (list, dict, tuple))).any()]
    out = io.StringIO()
    write_rows(keep, frame[keep].itertuples(index=False), out)
    return out.getvalue()
