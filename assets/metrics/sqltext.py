"""Fill the {{name}} placeholders of the metric SQL files.

Metric parameters come from YAML a district edits, so they are written as SQL literals here
(numbers, quoted text, dates, lists, or a VALUES table for a list of mappings) and never pasted
as text. Only fragments the engine builds itself are passed through as `Sql`.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

SQL_DIR = Path(__file__).parent / "sql"
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


class Sql(str):
    """A SQL fragment built by the engine, inserted as is."""


def read(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def literal(value: object) -> str:
    """One Python value as a SQL literal."""
    if isinstance(value, Sql):
        return str(value)
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"not a finite number: {value}")
        return repr(value)
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(item, dict) for item in value):
            return _values_table(list(value))
        if not value:
            raise ValueError("an empty list cannot be written as SQL")
        return ", ".join(literal(item) for item in value)
    raise ValueError(f"cannot write {type(value).__name__} {value!r} as SQL")


def _values_table(rows: list[dict]) -> str:
    """A list of mappings with the same keys as (VALUES (...), ...) AS t(key, ...)."""
    columns = list(rows[0])
    if any(list(row) != columns for row in rows) or not all(_IDENTIFIER.match(c) for c in columns):
        raise ValueError("every row of a table parameter needs the same lower_snake_case keys")
    body = ", ".join("(" + ", ".join(literal(row[c]) for c in columns) + ")" for row in rows)
    return f"(VALUES {body}) AS t({', '.join(columns)})"


def render(text: str, values: dict[str, object]) -> str:
    """`text` with every {{name}} replaced; a placeholder without a value is an error."""
    missing = sorted({m.group(1) for m in _PLACEHOLDER.finditer(text)} - set(values))
    if missing:
        raise KeyError(f"no value for SQL placeholder(s): {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda m: literal(values[m.group(1)]), text)
