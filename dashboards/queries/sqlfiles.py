"""The query layer's SQL, one file per query in dashboards/queries/sql/."""
from __future__ import annotations

import functools
from pathlib import Path

SQL_DIR = Path(__file__).with_name("sql")


@functools.cache
def read(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")
