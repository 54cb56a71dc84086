"""The URL is the whole state of a view (level, entity, year, group, metric, ...): pages read
their query string and every link or selector writes one, so reload, back/forward and a pasted
link reproduce the view."""
from __future__ import annotations

import math
from urllib.parse import parse_qsl, urlencode

# The order keys appear in a URL, so the same view always has the same URL.
KEYS = ("level", "entity", "metric", "year", "group", "category", "cfa", "standard", "student", "as_of",
        "indicator", "grade", "teacher", "file", "reason")


def href(path: str, **state) -> str:
    """A link to `path` with the given state (None and '' are left out)."""
    pairs = [(k, state[k]) for k in KEYS if state.get(k) not in (None, "")]
    pairs += [(k, v) for k, v in state.items() if k not in KEYS and v not in (None, "")]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def parse(search: str | None) -> dict:
    """The state in a query string ('?level=school&entity=S1')."""
    return dict(parse_qsl((search or "").lstrip("?")))


def year_of(text) -> int | None:
    """A school year from the URL; None when absent or not a number (then the latest is shown)."""
    try:
        return int(text) if text not in (None, "") else None
    except (TypeError, ValueError):
        return None


def school_year_label(year) -> str:
    """2026 -> '2025-26' (the school year ends in the year it is named by)."""
    if year is None or (isinstance(year, float) and math.isnan(year)):
        return "no year"
    year = int(year)
    return f"{year - 1}-{str(year)[-2:]}"
