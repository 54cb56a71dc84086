"""Breadcrumbs from the district down to the entity on screen: each step opens that layer."""
from __future__ import annotations

from dash import dcc, html

from dashboards.components.labels import level_label
from dashboards.components.state import href


def breadcrumbs(steps: list[dict], path: str = "/", **state) -> html.Nav:
    """`steps` as data.breadcrumbs() returns them; the last is the current entity (not a link)."""
    items = []
    for i, step in enumerate(steps):
        level = level_label(step["level"])
        label = level if step["entity_name"] == level else f"{level}: {step['entity_name']}"
        if i:
            items.append(html.Span("›", className="sep"))
        if i == len(steps) - 1 or not step.get("in_scope", True):
            items.append(html.Span(label, **({"aria-current": "page"} if i == len(steps) - 1 else {})))
        else:
            items.append(dcc.Link(label, href=href(path, level=step["level"], entity=step["entity_id"], **state)))
    return html.Nav(items, className="crumbs", **{"aria-label": "breadcrumbs"})
