"""Read and run SQL files: values as DuckDB parameters, identifiers as {{name}}.

Values (a metric's parameters from the catalog YAML a district edits, ids, dates, a file's
name) are always DuckDB parameters (`$name`), never pasted into the text. A few files also need
an identifier (a table name, quoted with data_contracts.row_rules.quote) or a fragment the code
builds itself (the grouping sets of a rollup, a file's quoted columns); those are `{{name}}`
placeholders, filled by `fill`: the one template filler of every SQL file (metrics, equity,
ingest).
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

from data_contracts.row_rules import quote

SQL_DIR = Path(__file__).parent / "sql"
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


def read(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def table(name: str) -> str:
    """A table name, plain or schema-qualified, as a quoted identifier."""
    return ".".join(quote(part) for part in name.split("."))


def fill(text: str, fragments: dict[str, str]) -> str:
    """`text` with every {{name}} replaced by an identifier or an engine-built fragment."""
    missing = sorted({m.group(1) for m in _PLACEHOLDER.finditer(text)} - set(fragments))
    if missing:
        raise KeyError(f"no value for SQL placeholder(s): {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda m: fragments[m.group(1)], text)


def strip_comments(sql: str) -> str:
    return _COMMENT.sub("", sql)


def parameters_used(sql: str) -> set[str]:
    """The $names a statement reads (comments do not count)."""
    return set(_PARAMETER.findall(_COMMENT.sub("", sql)))


def bind(sql: str, values: dict[str, object]) -> dict[str, object]:
    """The values `sql` reads (DuckDB refuses extra ones); a missing one is a KeyError."""
    used = parameters_used(sql)
    missing = sorted(used - set(values))
    if missing:
        raise KeyError(f"no value for SQL parameter(s): {', '.join('$' + m for m in missing)}")
    return {name: values[name] for name in used}


def run(con: duckdb.DuckDBPyConnection, sql: str, values: dict[str, object] | None = None):
    """Execute one statement with the values it reads bound as parameters."""
    return con.execute(sql, bind(sql, values or {}))


def run_script(con: duckdb.DuckDBPyConnection, text: str, values: dict[str, object] | None = None) -> None:
    """Execute the statements of a file one by one (DuckDB binds parameters per statement)."""
    for statement in re.split(r";\s*\n", text):
        if _COMMENT.sub("", statement).strip():
            run(con, statement, values)


_TABLE = re.compile(r"\b((?:raw|staging|mart)\.[a-z_][a-z0-9_]*)\b")


def tables_read(*texts: str) -> set[str]:
    """The warehouse tables (raw, staging, mart) that SQL texts name, comments left out."""
    return {name for text in texts for name in _TABLE.findall(_COMMENT.sub("", text))}
