"""The plan files as one Excel workbook (plans.xlsx, a sheet per file): each sheet is written
out as a CSV file and read by the same reader as `<name>.csv`, so the contract checks, reasons and
line numbers are the same (sheet row n = line n).

Cells become the text a person would have typed: dates as YYYY-MM-DD, whole numbers without
".0", booleans Y/N. Trailing empty rows and columns (left by formatting) are dropped; an empty row
between rows is kept, and quarantined like any blank line of data.
"""
from __future__ import annotations

import csv
import datetime as dt
import tempfile
import zipfile
from pathlib import Path

# one folder of converted sheets per process, removed when the process ends
_FOLDER = tempfile.TemporaryDirectory(prefix="alignboard-sheets-")
_converted: dict[tuple, dict[str, Path]] = {}


class WorkbookError(Exception):
    """The workbook cannot be opened; str(exc) is the one-line reason."""


def sheet_as_csv(workbook: Path, name: str) -> Path | None:
    """The sheet `name` (any case) of the workbook as a CSV file, or None without such a sheet."""
    stat = workbook.stat()
    key = (str(workbook.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _converted:
        _converted[key] = _convert(workbook, Path(_FOLDER.name) / str(len(_converted)))
    return _converted[key].get(name.lower())


def _convert(workbook: Path, folder: Path) -> dict[str, Path]:
    from openpyxl import load_workbook  # a second's import, only when a workbook is landed

    try:
        book = load_workbook(workbook, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise WorkbookError(f"{workbook.name}: not a readable Excel workbook ({exc})") from None
    folder.mkdir(parents=True)
    sheets = {}
    try:
        for sheet in book.worksheets:
            rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            while rows and not any(rows[-1]):
                rows.pop()
            width = max((i + 1 for i, v in enumerate(rows[0]) if v), default=0) if rows else 0
            path = folder / f"{workbook.name}[{sheet.title.strip()}]"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                for row in rows:
                    # cells past the header are cut only when empty: data there is a malformed row
                    last = max((i + 1 for i, v in enumerate(row) if v), default=0)
                    writer.writerow(row[:max(width, last)] + [""] * (width - min(len(row), width)))
            sheets[sheet.title.strip().lower()] = path
    finally:
        book.close()
    return sheets


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
