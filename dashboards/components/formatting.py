"""Numbers and statuses as people read them. "No data" is text, never zero."""
from __future__ import annotations

import math

# Every status has a word and an icon as well as a colour (the CSS class is the status code).
STATUS = {
    "on_target": ("✓", "On target"),
    "near": ("●", "Near target"),
    "off": ("✗", "Off target"),
    "no_data": ("–", "No data"),
    "suppressed": ("⊘", "Hidden"),
    "no_target": ("·", "No target"),
}


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value, unit: str | None, *, signed: bool = False) -> str:
    """A value in its unit: shares as percents, hours with one decimal."""
    if missing(value):
        return "no data"
    sign = "+" if signed and value > 0 else ""
    if unit == "share":
        return f"{sign}{value * 100:.1f}%"
    if unit == "hours":
        return f"{sign}{value:.1f} h"
    if unit == "count":
        return f"{sign}{value:,.0f}"
    return f"{sign}{value:,.2f}"


def change(value, unit: str | None) -> str:
    """Change vs the prior year: shares in percentage points."""
    if missing(value):
        return "no prior year"
    if unit == "share":
        arrow = "▲" if value > 0 else "▼" if value < 0 else "▶"
        return f"{arrow} {value * 100:+.1f} pts"
    arrow = "▲" if value > 0 else "▼" if value < 0 else "▶"
    return f"{arrow} {number(value, unit, signed=True)}"


def status_of(code) -> tuple[str, str, str]:
    """(css class, icon, word) of a status code; None (a metric without a target) -> no_target."""
    key = code if isinstance(code, str) and code in STATUS else "no_target"
    icon, word = STATUS[key]
    return key, icon, word


def metric_name(name: str) -> str:
    """'Percent favorable (family.teacher_student_relationships)' ->
    'Percent favorable (family · teacher student relationships)': ids read as words."""
    head, sep, tail = name.partition(" (")
    return head + sep + tail.replace(".", " · ").replace("_", " ") if sep else name


def count(value) -> str:
    return "–" if missing(value) else f"{value:,.0f}"


def unit_axis(unit: str | None) -> str:
    return {"share": "percent", "hours": "hours", "count": "count"}.get(unit or "", "value")


def plot_value(value, unit: str | None):
    """The number a chart draws: shares as percents; None stays None (a gap, not a zero)."""
    if missing(value):
        return None
    return value * 100 if unit == "share" else value
