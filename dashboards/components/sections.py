"""Parts of a page shown one at a time, as tabs. Only the open part is drawn: each chart or grid
costs the browser a tenth of a second or more, so a page of many draws its first part at once
and the others when they are opened."""
from __future__ import annotations

from dash import dcc, html


def tabs(tabs_id: str, parts: list[tuple[str, list]]) -> dcc.Tabs | None:
    """Tabs of (label, children); a part without children is left out, none at all gives None."""
    parts = [(label, children) for label, children in parts if children]
    if not parts:
        return None
    return dcc.Tabs(
        id=tabs_id, value=parts[0][0], className="parts",
        colors={"border": "var(--line)", "primary": "var(--blue)", "background": "var(--wash)"},  # the palette
        children=[dcc.Tab(label=label, value=label, children=html.Div(children, className="part"))
                  for label, children in parts],
    )
