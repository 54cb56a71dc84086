"""The public landing-file contract as tests read it: the tables of docs/landing-files.md."""
from __future__ import annotations

import re
from pathlib import Path

LANDING_FILES = Path(__file__).parents[1] / "docs" / "landing-files.md"
ROW = re.compile(r"^\| `(\w+)\.csv`(?: \(optional\))? \| ([^|]*) \|", re.MULTILINE)


def documented_files() -> dict[str, list[str]]:
    """file name without .csv -> its required columns, in the order listed."""
    return {m[1]: [c.strip() for c in m[2].split(",")] for m in ROW.finditer(LANDING_FILES.read_text())}
