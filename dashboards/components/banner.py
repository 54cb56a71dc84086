"""The data-quality banner at the top of every page: stale data or a rejected file."""
from __future__ import annotations

from dash import dcc, html


def banner(text: str | None) -> list:
    """The banner's content: nothing when the data is fresh and every file loaded."""
    if not text:
        return []
    return [html.Span(f"⚠ {text} "), dcc.Link("See data quality", href="/quality")]
